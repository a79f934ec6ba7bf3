-- Where an async call's attempt in progress was sent (io.wharf.functions.async): the function
-- container's id and its runtime's host:port. Written under the call's claim before the attempt
-- is sent, cleared when the call goes back to the queue. When the instance running the attempt is
-- killed and restarts, it sends the attempt again to that container (if it still runs), whose
-- runtime answers a call id it ran or is running without running it again.

ALTER TABLE function_calls ADD COLUMN attempt_container VARCHAR(128);
ALTER TABLE function_calls ADD COLUMN attempt_address VARCHAR(300);
