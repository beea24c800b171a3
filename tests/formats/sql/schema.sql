-- schema.sql: the whole file is the document
create type ticket_status as enum ('open', 'closed');

create table teams (
  id uuid primary key default gen_random_uuid(),
  name text not null unique
);

create table tickets (
  id bigint generated always as identity primary key,
  team_id uuid references teams on delete set null,
  status ticket_status not null default 'open',
  opened_at timestamptz not null default now()
);
create index on tickets (team_id, status);
