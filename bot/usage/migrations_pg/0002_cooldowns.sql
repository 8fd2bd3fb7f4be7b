-- dk2 version 2, PostgreSQL only: the per-member cooldown, shared by every dk2 process.
--
-- A member's recent command times (server clock, epoch seconds) in one row; `dk2_cooldown_hit`
-- checks and records a use atomically (the row is locked), so two processes answering the
-- same member at once can't both let a use through past the limit. No name or message is
-- kept, and rows of members idle for longer than the window are pruned.

CREATE TABLE cooldowns (
    user_id BIGINT PRIMARY KEY,
    uses    DOUBLE PRECISION[] NOT NULL
);

CREATE FUNCTION dk2_cooldown_hit(who BIGINT, rate INTEGER, per DOUBLE PRECISION)
RETURNS DOUBLE PRECISION
LANGUAGE plpgsql
AS $$
DECLARE
    now_s  DOUBLE PRECISION := extract(epoch FROM clock_timestamp());
    recent DOUBLE PRECISION[];
BEGIN
    INSERT INTO cooldowns (user_id, uses) VALUES (who, '{}') ON CONFLICT (user_id) DO NOTHING;
    SELECT uses INTO recent FROM cooldowns WHERE user_id = who FOR UPDATE;
    SELECT coalesce(array_agg(u ORDER BY u), '{}') INTO recent
      FROM unnest(recent) AS u
     WHERE u > now_s - per;
    IF coalesce(array_length(recent, 1), 0) >= rate THEN
        UPDATE cooldowns SET uses = recent WHERE user_id = who;
        RETURN greatest(recent[1] + per - now_s, 0);
    END IF;
    UPDATE cooldowns SET uses = array_append(recent, now_s) WHERE user_id = who;
    RETURN NULL;
END;
$$;
