-- pushlab: test controls that plain XMPP cannot reach, for the harness's control component only.
--   <ping xmlns='urn:pushlab:control:0' user='U'><service jid='J' node='N'/>...</ping>
--       fires cloud-notify-ping for U (all registrations, or only the listed ones)
--   <rules xmlns='urn:pushlab:control:0' user='U'>
--       <veto-registration node='N' type='cancel' condition='not-allowed'/>
--       <veto-push node='N' reason='R'/>
--   </rules>
--       replaces U's veto rules (cloud_notify/registration and cloud_notify/push hooks)
--   <session xmlns='urn:pushlab:control:0' user='U' resource='R'/>   (iq get)
--       answers state='live' | 'hibernating' | 'none': lets the harness wait until the server
--       itself has seen a client vanish, instead of guessing with a sleep
--   <store xmlns='urn:pushlab:control:0' fail-writes='true|false'/>
--       makes writes to the stores served by mod_storage_pushlab_flaky fail (or work again);
--       answers feature-not-implemented when no such store is configured on the host
local st = require "util.stanza";

local xmlns = "urn:pushlab:control:0";
local controller = module:get_option_string("pushlab_controller");
local registrations = module:open_store("cloud_notify"); -- mod_cloud_notify's own store
local rules = {}; -- username -> { registration = {...}, push = {...} }

local function from_controller(event)
	if controller and event.stanza.attr.from == controller then return true; end
	event.origin.send(st.error_reply(event.stanza, "auth", "forbidden"));
	return false;
end

module:hook("iq-set/host/" .. xmlns .. ":ping", function(event)
	if not from_controller(event) then return true; end
	local req = event.stanza.tags[1];
	local user = req.attr.user;
	local services;
	if #req.tags > 0 then
		local stored = registrations:get(user) or {};
		services = {};
		for _, want in ipairs(req.tags) do
			for identifier, info in pairs(stored) do
				if info.jid == want.attr.jid and (want.attr.node == nil or info.node == want.attr.node) then
					services[identifier] = info;
				end
			end
		end
	end
	module:log("info", "pushlab: cloud-notify-ping for %s", tostring(user));
	module:fire_event("cloud-notify-ping", { user = user, push_services = services });
	event.origin.send(st.reply(event.stanza));
	return true;
end);

module:hook("iq-set/host/" .. xmlns .. ":rules", function(event)
	if not from_controller(event) then return true; end
	local req = event.stanza.tags[1];
	local r = { registration = {}, push = {} };
	for _, tag in ipairs(req.tags) do
		if tag.name == "veto-registration" then
			table.insert(r.registration, { node = tag.attr.node, type = tag.attr.type, condition = tag.attr.condition });
		elseif tag.name == "veto-push" then
			table.insert(r.push, { node = tag.attr.node, reason = tag.attr.reason });
		end
	end
	rules[req.attr.user] = (#r.registration + #r.push > 0) and r or nil;
	event.origin.send(st.reply(event.stanza));
	return true;
end);

module:hook("iq-get/host/" .. xmlns .. ":session", function(event)
	if not from_controller(event) then return true; end
	local req = event.stanza.tags[1];
	local user = prosody.hosts[module.host].sessions[req.attr.user];
	local session = user and user.sessions[req.attr.resource];
	local state = (not session and "none") or (session.hibernating and "hibernating") or "live";
	event.origin.send(st.reply(event.stanza):tag("session", { xmlns = xmlns, state = state }));
	return true;
end);

module:hook("iq-set/host/" .. xmlns .. ":store", function(event)
	if not from_controller(event) then return true; end
	local on = event.stanza.tags[1].attr["fail-writes"] == "true";
	-- Opening the store loads its driver, so a configured flaky driver is listening by now.
	if not module:fire_event("pushlab/store-failure", { on = on }) then
		event.origin.send(st.error_reply(event.stanza, "cancel", "feature-not-implemented", "no pushlab_flaky store on this host"));
		return true;
	end
	event.origin.send(st.reply(event.stanza));
	return true;
end);

module:hook("cloud_notify/registration", function(event)
	local r = event.origin.username and rules[event.origin.username];
	if not r then return; end
	for _, veto in ipairs(r.registration) do
		if veto.node == nil or veto.node == event.push_info.node then
			module:log("info", "pushlab: registration of %s vetoed", event.origin.username);
			event.origin.send(st.error_reply(event.stanza, veto.type or "cancel", veto.condition or "not-allowed"));
			return false; -- mod_cloud_notify: false = refused, reply already sent
		end
	end
end);

module:hook("cloud_notify/push", function(event)
	local r = rules[event.username];
	if not r then return; end
	for _, veto in ipairs(r.push) do
		if veto.node == nil or veto.node == event.push_info.node then
			event.reason = veto.reason;
			module:log("info", "pushlab: push for %s vetoed: %s", event.username, tostring(veto.reason));
			return true; -- mod_cloud_notify: true = blocked
		end
	end
end);

-- Server-side events for the harness's timelines, sent to the control component as
--   <message><event xmlns='urn:pushlab:control:0' user='U' resource='R' text='…'/></message>
-- The hooks only observe: they run first (priority 1000) and return nothing, so every other
-- handler (mod_cloud_notify's included) still runs as before.
local jid_split = require "util.jid".split;

local function report(user, resource, text)
	if not controller or not user then return; end
	module:send(st.message({ from = module.host, to = controller, type = "normal" })
		:tag("event", { xmlns = xmlns, user = user, resource = resource, text = text }));
end

local function count(queue)
	return type(queue) == "table" and #queue or 0;
end

module:hook("smacks-hibernation-start", function(event)
	local s = event.origin;
	report(s.username, s.resource, ("hibernating with %d unacked stanza(s)"):format(count(event.queue)));
end, 1000);

module:hook("smacks-hibernation-end", function(event)
	local s = event.resumed or event.origin;
	report(s.username, s.resource, ("resumed, %d stanza(s) to resend"):format(count(event.queue)));
end, 1000);

module:hook("smacks-ack-delayed", function(event)
	local s = event.origin;
	report(s.username, s.resource, ("ack delayed, %d unacked stanza(s)"):format(count(event.queue)));
end, 1000);

module:hook("message/offline/handle", function(event)
	local to = event.stanza.attr.to;
	local user = to and jid_split(to) or (event.origin and event.origin.username);
	report(user, nil, "message stored offline");
end, 1000);

module:hook("resource-unbind", function(event)
	local s = event.session;
	local why = event.error and (" (" .. tostring(event.error.condition or event.error) .. ")") or "";
	report(s.username, s.resource, "session ended" .. why);
end, 1000);
