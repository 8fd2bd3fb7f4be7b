-- dk2 version 3: the public answers dk2 posted, so it doesn't post the same one twice in a
-- channel within `repeat_window_minutes` (nor while the earlier one is pinned).
--
-- Where and when an answer went, and which answer it was (`key`: "explain:<topic>",
-- "dose:<band>[:<k2 band>]", "level:<band>", or the command). No user id, name or text.
-- Rows older than a day are pruned unless pinned: the window is at most a day long.

CREATE TABLE answers (
    message_id INTEGER PRIMARY KEY,            -- the posted answer
    channel_id INTEGER NOT NULL,
    guild_id   INTEGER,                        -- NULL in direct messages
    key        TEXT    NOT NULL,
    at         REAL    NOT NULL,               -- UTC epoch seconds
    pinned     INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1))
);

-- A repeat check reads one channel's answers with one key, newest first.
CREATE INDEX answers_channel_key ON answers (channel_id, key, at);
