-- Rate-limit counters are disposable: they live for one window, and after a crash a
-- fresh count is the worst outcome. Unlogged, a hit writes no WAL, which made the
-- counter the most expensive statement on a signed-in request. Free space in each page
-- lets the in-window update stay a heap-only (HOT) update that touches no index.
ALTER TABLE rate_limits SET UNLOGGED;
ALTER TABLE rate_limits SET (fillfactor = 70);
