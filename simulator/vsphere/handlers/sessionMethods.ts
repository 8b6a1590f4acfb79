/**
 * SessionManager.Login {userName, password, locale?} → UserSession and the session token in header
 * `vmware-api-session-id` (InvalidLogin for bad credentials); Logout (204); ServiceInstance.RetrieveServiceContent;
 * Task.CancelTask (204).
 */
import { faults } from "../faults";
import type { VsphereWorld } from "../model/world";
import { loginBody, NO_BODY, requiredBody } from "../requestBodies";
import { SESSION_HEADER, userSessionData } from "../sessions";
import { serviceContent } from "./managedObjectProperties";
import { defineMethod } from "./defineMethod";
import { HttpAnswer, type RegisteredMethod } from "./methodRegistry";

export function sessionMethods(world: VsphereWorld): RegisteredMethod[] {
  return [
    defineMethod("SessionManager", "Login", { body: requiredBody(loginBody), privilege: "System.Anonymous", anonymous: true }, (call) => {
      if (call.body.userName !== world.credentials.username || call.body.password !== world.credentials.password) throw faults.invalidLogin();
      const forwarded = call.request.headers["user-agent"];
      const session = world.sessions.create(call.body.userName, call.body.locale ?? "en", "127.0.0.1", typeof forwarded === "string" ? forwarded : "unknown");
      return new HttpAnswer(200, userSessionData(session), { [SESSION_HEADER]: session.token });
    }),
    defineMethod("SessionManager", "Logout", { body: NO_BODY, privilege: "System.View" }, (call) => {
      world.sessions.end(call.session.token);
      return undefined;
    }),
    defineMethod("ServiceInstance", "RetrieveServiceContent", { body: NO_BODY, privilege: "System.Anonymous", anonymous: true }, () => serviceContent(world)),
    defineMethod("Task", "CancelTask", { body: NO_BODY, privilege: "System.View" }, (call) => {
      world.taskRunner.cancel(call.moId);
      return undefined;
    }),
  ];
}
