-- dk2 usage log, version 1, for PostgreSQL: the same table as migrations/0001_initial.sql.
--
-- One row per answered (or unanswered) command. Privacy by construction: there is no
-- column for a user id, user name or message text. The only free text is `term`, kept
-- solely for explain requests that found no topic, so moderators can curate new topics.

CREATE TABLE events (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at       BIGINT   NOT NULL,                -- UTC epoch seconds
    guild_id BIGINT,                           -- NULL in direct messages
    command  TEXT     NOT NULL,                -- dose, level, explain, topics, about, ...
    outcome  TEXT,                             -- topic id (explain), band id (dose, level)
    k2_band  TEXT,                             -- K2 band id (dose)
    answered SMALLINT NOT NULL CHECK (answered IN (0, 1)),
    term     TEXT CHECK (
        term IS NULL
        OR (command = 'explain' AND answered = 0 AND length(term) <= 200)
    )
);

-- Every summary and the retention prune select a time range, optionally for one guild.
CREATE INDEX events_at ON events (at);
CREATE INDEX events_guild_at ON events (guild_id, at);
