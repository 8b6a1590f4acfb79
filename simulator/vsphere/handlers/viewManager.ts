/**
 * ViewManager (`ServiceContent.viewManager`, MoRef ViewManager:ViewManager) and its views, rules in
 * model/containerViews.ts:
 *   ViewManager.CreateContainerView {container, type?: string[], recursive} → ContainerView MoRef (this session's)
 *   ContainerView.DestroyView, View.DestroyView → 204; afterwards the view is ManagedObjectNotFound
 * The view's `view` property (GET or PropertyCollector) lists the MoRefs in it.
 */
import { createContainerViewBody, NO_BODY, requiredBody } from "../requestBodies";
import { moRef } from "../wire";
import { defineMethod } from "./defineMethod";
import { entityOf, type RegisteredMethod } from "./methodRegistry";

function destroyView(moType: "ContainerView" | "View"): RegisteredMethod {
  return defineMethod(moType, "DestroyView", { body: NO_BODY, privilege: "System.View" }, (call) => {
    call.world.views.destroy(call.moId);
    return undefined;
  });
}

export const viewManagerMethods: RegisteredMethod[] = [
  defineMethod("ViewManager", "CreateContainerView", { body: requiredBody(createContainerViewBody), privilege: "System.View" }, (call) => {
    const { container, type, recursive } = call.body;
    const view = call.world.views.create(call.session.token, call.session.key, entityOf(container), type ?? [], recursive);
    return moRef("ContainerView", view.id);
  }),
  destroyView("ContainerView"),
  destroyView("View"),
];
