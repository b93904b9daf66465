-- 0002_ssh_tunnel_jump: jump hosts and timing for SSH tunnels.
--
-- jump_host is an OpenSSH ProxyJump value: "[user@]host[:port]" or a
-- ~/.ssh/config alias, several hops separated by commas; '' means a direct
-- connection (or the ProxyJump of the host's ~/.ssh/config entry).
-- keepalive_interval_s and handshake_timeout_s are seconds; 0 means Tusk's
-- default.
ALTER TABLE ssh_tunnels ADD COLUMN jump_host TEXT NOT NULL DEFAULT '';
ALTER TABLE ssh_tunnels ADD COLUMN keepalive_interval_s INTEGER NOT NULL DEFAULT 0 CHECK (keepalive_interval_s >= 0);
ALTER TABLE ssh_tunnels ADD COLUMN handshake_timeout_s INTEGER NOT NULL DEFAULT 0 CHECK (handshake_timeout_s >= 0);
