-- schemadoc migration (up): database <fresh> -> after.md
-- 1 statement(s), in one transaction

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- drop materialized view public.leaderboard — ACCESS EXCLUSIVE on leaderboard
DROP MATERIALIZED VIEW leaderboard;

-- schemadoc migration (down): after.md -> database <fresh>
-- 2 statement(s), in one transaction
-- the up plan's steps undone, last first

SET lock_timeout = '5s';
SET check_function_bodies = off;

-- create materialized view public.leaderboard
CREATE MATERIALIZED VIEW leaderboard AS
SELECT scores.team,
    sum(scores.points) AS points
   FROM scores
  GROUP BY scores.team;

-- create index leaderboard_team_idx — SHARE on leaderboard
CREATE UNIQUE INDEX leaderboard_team_idx ON leaderboard (team);
