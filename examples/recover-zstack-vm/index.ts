import * as pulumi from "@pulumi/pulumi";
import { VmInstanceRecovery } from "pulumi-vm-availability";

// Connection: pulumi config set zstack:endpoint http://zstack-mn.example.com:8080
//             pulumi config set zstack:accountName admin
//             pulumi config set --secret zstack:accountPassword <password>
// (or ZSTACK_ENDPOINT / ZSTACK_ACCOUNT_NAME / ZSTACK_ACCOUNT_PASSWORD; for the offline simulator:
//  npx pulumi-vm-availability-simulator, then point zstack:endpoint at the URL it prints).
const config = new pulumi.Config();

// A VM deleted by mistake is Destroyed (vm.deletionPolicy Delay) until it is expunged (vm.expungePeriod, 1 day by
// default). Declaring its recovery makes it reviewable: `pulumi preview` shows the resource to create, `pulumi up`
// recovers it (it comes back Stopped, without IP addresses) and starts it, `pulumi refresh` shows whether it was
// destroyed again, and `pulumi destroy` only forgets the declaration: the VM stays as it is.
const recovery = new VmInstanceRecovery("db-primary-recovery", {
  vmInstanceUuid: config.require("vmInstanceUuid"),
  startAfterRecovery: config.getBoolean("startAfterRecovery") ?? true,
  systemTags: [],
  userTags: ["recovered-by-pulumi"],
  timeoutSeconds: 900,
});

export const vmName = recovery.name;
export const vmState = recovery.state;
export const recoveredByThisStack = recovery.recovered;
export const hostUuid = recovery.hostUuid;
export const ipAddresses = recovery.ipAddresses;
