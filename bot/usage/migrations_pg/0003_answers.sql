-- dk2 usage log, version 3, for PostgreSQL: the same table as migrations/0003_answers.sql.
--
-- The public answers dk2 posted, shared by every process, so no process posts the same answer
-- twice in a channel within `repeat_window_minutes` (nor while the earlier one is pinned).
-- No user id, name or text. Rows older than a day are pruned unless pinned.

CREATE TABLE answers (
    message_id BIGINT PRIMARY KEY,
    channel_id BIGINT NOT NULL,
    guild_id   BIGINT,
    key        TEXT   NOT NULL,
    at         DOUBLE PRECISION NOT NULL,
    pinned     BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE INDEX answers_channel_key ON answers (channel_id, key, at);
