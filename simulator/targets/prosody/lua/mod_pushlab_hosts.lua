-- pushlab: bring up VirtualHosts/Components added to the config file while Prosody runs.
-- Prosody 0.12 rereads its config on SIGHUP but activates hosts only at startup, so the
-- harness appends a host, sends SIGHUP, and waits for the marker file this module writes.
module:set_global();

local hostmanager = require "core.hostmanager";
local configmanager = require "core.configmanager";

local ready_dir = module:get_option_string("pushlab_ready_dir");

local function mark_ready(host)
	if not ready_dir then return; end
	local f = io.open(ready_dir .. "/" .. host, "w");
	if f then f:write("active\n"); f:close(); end
end

local function sync_hosts()
	for host, host_config in pairs(configmanager.getconfig()) do
		if host ~= "*" and host_config.enabled ~= false then
			if not rawget(prosody.hosts, host) then
				local ok, err = hostmanager.activate(host, host_config);
				if not ok then
					module:log("error", "pushlab: could not activate %s: %s", host, tostring(err));
				end
			end
			if rawget(prosody.hosts, host) then mark_ready(host); end
		end
	end
end

module:hook_global("config-reloaded", sync_hosts);
module:hook_global("server-started", sync_hosts);
