-- pushlab: a storage driver for tests of storage failures (R-ENABLE-STOREFAIL). It hands every
-- call to the normal "internal" driver, except that while failure is switched on, writes to
-- keyval stores fail as a broken disk or database would (nil, error). Switched by the host event
-- "pushlab/store-failure" { on = true|false }, which mod_pushlab_control fires for the harness.
-- Configured per store, e.g. storage = { cloud_notify = "pushlab_flaky" }.
local storagemanager = require "core.storagemanager";

local failing = false;

module:hook("pushlab/store-failure", function(event)
	failing = event.on == true;
	module:log("info", "pushlab: store writes %s", failing and "FAIL from now on" or "work again");
	return true; -- handled: tells the control module that a flaky store is configured here
end);

local function wrap_keyval(inner, store_name)
	return setmetatable({
		set = function(_, user, data)
			if failing then
				module:log("warn", "pushlab: refusing write to %s for %s (store failure on)", store_name, tostring(user));
				return nil, "pushlab: simulated storage failure";
			end
			return inner:set(user, data);
		end;
	}, {
		-- Everything else (get, users, ...) goes to the real store, bound to it.
		__index = function(_, method)
			local f = inner[method];
			if type(f) ~= "function" then return f; end
			return function(_, ...) return f(inner, ...); end
		end;
	});
end

local driver = {};

function driver:open(store, typ) -- luacheck: ignore 212/self
	local internal = storagemanager.load_driver(module.host, "internal");
	if not internal then return nil, "pushlab: internal storage driver not available"; end
	local inner, err = internal:open(store, typ);
	if not inner then return nil, err; end
	if (typ or "keyval") ~= "keyval" then return inner; end -- only keyval writes are made to fail
	return wrap_keyval(inner, store);
end

function driver:purge(user) -- luacheck: ignore 212/self
	return storagemanager.load_driver(module.host, "internal"):purge(user);
end

module:provides("storage", driver);
