-- a chat archive, as SQLite holds it
PRAGMA foreign_keys = ON;

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  display_name TEXT NOT NULL,
  UNIQUE(display_name)
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  sender_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  body TEXT,
  sent_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX idx_messages_sender ON messages(sender_id);

CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='id');

CREATE TRIGGER messages_ai AFTER INSERT ON messages
BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.id, new.body);
END;
