/**
 * GENERATED from /work/shared/reference/vi-json-subset.yaml (official VI/JSON spec subset, info.version 9.1.1.0).
 * Field types: primitive names as used for boxing (string, boolean, int, long, dateTime, ...), `enum:<Name>`,
 * a data object type name, or any of those followed by `[]`. Stubbed schemas carry `stub: true` and no fields.
 * Regenerate rather than edit by hand.
 */
export interface SpecType {
  parent?: string;
  fields: Record<string, string>;
  required: string[];
  stub?: boolean;
}

export const SPEC_TYPES: Record<string, SpecType> = {
 "ManagedObjectReference": {
  "fields": {
   "type": "enum:MoTypes",
   "value": "string"
  },
  "required": [
   "type",
   "value"
  ]
 },
 "AboutInfo": {
  "parent": "DataObject",
  "fields": {
   "name": "string",
   "fullName": "string",
   "vendor": "string",
   "version": "string",
   "patchLevel": "string",
   "build": "string",
   "localeVersion": "string",
   "localeBuild": "string",
   "osType": "string",
   "productLineId": "string",
   "apiType": "string",
   "apiVersion": "string",
   "instanceUuid": "string",
   "licenseProductName": "string",
   "licenseProductVersion": "string"
  },
  "required": [
   "name",
   "fullName",
   "vendor",
   "version",
   "build",
   "osType",
   "productLineId",
   "apiType",
   "apiVersion"
  ]
 },
 "ContinueRetrievePropertiesExRequestType": {
  "fields": {
   "token": "string"
  },
  "required": [
   "token"
  ]
 },
 "CreateContainerViewRequestType": {
  "fields": {
   "container": "ManagedObjectReference",
   "type": "string[]",
   "recursive": "boolean"
  },
  "required": [
   "container",
   "recursive"
  ]
 },
 "CreateFilterRequestType": {
  "fields": {
   "spec": "PropertyFilterSpec",
   "partialUpdates": "boolean"
  },
  "required": [
   "spec",
   "partialUpdates"
  ]
 },
 "CreateSecondaryVMExRequestType": {
  "fields": {
   "host": "ManagedObjectReference",
   "spec": "FaultToleranceConfigSpec"
  },
  "required": []
 },
 "CreateSecondaryVMRequestType": {
  "fields": {
   "host": "ManagedObjectReference"
  },
  "required": []
 },
 "CreateSnapshotExRequestType": {
  "fields": {
   "name": "string",
   "description": "string",
   "memory": "boolean",
   "quiesceSpec": "VirtualMachineGuestQuiesceSpec"
  },
  "required": [
   "name",
   "memory"
  ]
 },
 "CreateSnapshotRequestType": {
  "fields": {
   "name": "string",
   "description": "string",
   "memory": "boolean",
   "quiesce": "boolean"
  },
  "required": [
   "name",
   "memory",
   "quiesce"
  ]
 },
 "DisableSecondaryVMRequestType": {
  "fields": {
   "vm": "ManagedObjectReference"
  },
  "required": [
   "vm"
  ]
 },
 "EnableSecondaryVMRequestType": {
  "fields": {
   "vm": "ManagedObjectReference",
   "host": "ManagedObjectReference"
  },
  "required": [
   "vm"
  ]
 },
 "FindAllByUuidRequestType": {
  "fields": {
   "datacenter": "ManagedObjectReference",
   "uuid": "string",
   "vmSearch": "boolean",
   "instanceUuid": "boolean"
  },
  "required": [
   "uuid",
   "vmSearch"
  ]
 },
 "FindByInventoryPathRequestType": {
  "fields": {
   "inventoryPath": "string"
  },
  "required": [
   "inventoryPath"
  ]
 },
 "FindByUuidRequestType": {
  "fields": {
   "datacenter": "ManagedObjectReference",
   "uuid": "string",
   "vmSearch": "boolean",
   "instanceUuid": "boolean"
  },
  "required": [
   "uuid",
   "vmSearch"
  ]
 },
 "FindChildRequestType": {
  "fields": {
   "entity": "ManagedObjectReference",
   "name": "string"
  },
  "required": [
   "entity",
   "name"
  ]
 },
 "LoginRequestType": {
  "fields": {
   "userName": "string",
   "password": "string",
   "locale": "string"
  },
  "required": [
   "userName",
   "password"
  ]
 },
 "MakePrimaryVMRequestType": {
  "fields": {
   "vm": "ManagedObjectReference"
  },
  "required": [
   "vm"
  ]
 },
 "PowerOnVMRequestType": {
  "fields": {
   "host": "ManagedObjectReference"
  },
  "required": []
 },
 "QueryFaultToleranceCompatibilityExRequestType": {
  "fields": {
   "forLegacyFt": "boolean"
  },
  "required": []
 },
 "RemoveAllSnapshotsRequestType": {
  "fields": {
   "consolidate": "boolean",
   "spec": "SnapshotSelectionSpec"
  },
  "required": []
 },
 "RemoveSnapshotRequestType": {
  "fields": {
   "removeChildren": "boolean",
   "consolidate": "boolean"
  },
  "required": [
   "removeChildren"
  ]
 },
 "RenameSnapshotRequestType": {
  "fields": {
   "name": "string",
   "description": "string"
  },
  "required": []
 },
 "RetrievePropertiesExRequestType": {
  "fields": {
   "specSet": "PropertyFilterSpec[]",
   "options": "RetrieveOptions"
  },
  "required": [
   "specSet",
   "options"
  ]
 },
 "RevertToCurrentSnapshotRequestType": {
  "fields": {
   "host": "ManagedObjectReference",
   "suppressPowerOn": "boolean"
  },
  "required": []
 },
 "RevertToSnapshotRequestType": {
  "fields": {
   "host": "ManagedObjectReference",
   "suppressPowerOn": "boolean"
  },
  "required": []
 },
 "ServiceContent": {
  "parent": "DataObject",
  "fields": {
   "rootFolder": "ManagedObjectReference",
   "propertyCollector": "ManagedObjectReference",
   "viewManager": "ManagedObjectReference",
   "about": "AboutInfo",
   "setting": "ManagedObjectReference",
   "userDirectory": "ManagedObjectReference",
   "sessionManager": "ManagedObjectReference",
   "authorizationManager": "ManagedObjectReference",
   "serviceManager": "ManagedObjectReference",
   "perfManager": "ManagedObjectReference",
   "scheduledTaskManager": "ManagedObjectReference",
   "alarmManager": "ManagedObjectReference",
   "eventManager": "ManagedObjectReference",
   "taskManager": "ManagedObjectReference",
   "extensionManager": "ManagedObjectReference",
   "customizationSpecManager": "ManagedObjectReference",
   "guestCustomizationManager": "ManagedObjectReference",
   "customFieldsManager": "ManagedObjectReference",
   "accountManager": "ManagedObjectReference",
   "diagnosticManager": "ManagedObjectReference",
   "licenseManager": "ManagedObjectReference",
   "searchIndex": "ManagedObjectReference",
   "fileManager": "ManagedObjectReference",
   "datastoreNamespaceManager": "ManagedObjectReference",
   "virtualDiskManager": "ManagedObjectReference",
   "virtualizationManager": "ManagedObjectReference",
   "snmpSystem": "ManagedObjectReference",
   "vmProvisioningChecker": "ManagedObjectReference",
   "vmCompatibilityChecker": "ManagedObjectReference",
   "ovfManager": "ManagedObjectReference",
   "ipPoolManager": "ManagedObjectReference",
   "dvSwitchManager": "ManagedObjectReference",
   "hostProfileManager": "ManagedObjectReference",
   "clusterProfileManager": "ManagedObjectReference",
   "complianceManager": "ManagedObjectReference",
   "localizationManager": "ManagedObjectReference",
   "storageResourceManager": "ManagedObjectReference",
   "guestOperationsManager": "ManagedObjectReference",
   "overheadMemoryManager": "ManagedObjectReference",
   "certificateManager": "ManagedObjectReference",
   "ioFilterManager": "ManagedObjectReference",
   "vStorageObjectManager": "ManagedObjectReference",
   "hostSpecManager": "ManagedObjectReference",
   "cryptoManager": "ManagedObjectReference",
   "healthUpdateManager": "ManagedObjectReference",
   "failoverClusterConfigurator": "ManagedObjectReference",
   "failoverClusterManager": "ManagedObjectReference",
   "tenantManager": "ManagedObjectReference",
   "siteInfoManager": "ManagedObjectReference",
   "storageQueryManager": "ManagedObjectReference",
   "directPathProfileManager": "ManagedObjectReference"
  },
  "required": [
   "rootFolder",
   "propertyCollector",
   "about"
  ]
 },
 "TaskInfo": {
  "parent": "DataObject",
  "fields": {
   "key": "string",
   "task": "ManagedObjectReference",
   "description": "LocalizableMessage",
   "name": "string",
   "descriptionId": "string",
   "entity": "ManagedObjectReference",
   "entityName": "string",
   "locked": "ManagedObjectReference[]",
   "state": "enum:TaskInfoState",
   "cancelled": "boolean",
   "cancelable": "boolean",
   "error": "MethodFault",
   "result": "Any",
   "progress": "int",
   "progressDetails": "KeyAnyValue[]",
   "reason": "TaskReason",
   "queueTime": "dateTime",
   "startTime": "dateTime",
   "completeTime": "dateTime",
   "eventChainId": "int",
   "changeTag": "string",
   "parentTaskKey": "string",
   "rootTaskKey": "string",
   "activationId": "string"
  },
  "required": [
   "key",
   "task",
   "descriptionId",
   "state",
   "cancelled",
   "cancelable",
   "reason",
   "queueTime",
   "eventChainId"
  ]
 },
 "TaskReason": {
  "parent": "DataObject",
  "fields": {},
  "required": []
 },
 "TaskReasonAlarm": {
  "parent": "TaskReason",
  "fields": {
   "alarmName": "string",
   "alarm": "ManagedObjectReference",
   "entityName": "string",
   "entity": "ManagedObjectReference"
  },
  "required": [
   "alarmName",
   "alarm",
   "entityName",
   "entity"
  ]
 },
 "TaskReasonSchedule": {
  "parent": "TaskReason",
  "fields": {
   "name": "string",
   "scheduledTask": "ManagedObjectReference"
  },
  "required": [
   "name",
   "scheduledTask"
  ]
 },
 "TaskReasonSystem": {
  "parent": "TaskReason",
  "fields": {},
  "required": []
 },
 "TaskReasonUser": {
  "parent": "TaskReason",
  "fields": {
   "userName": "string"
  },
  "required": [
   "userName"
  ]
 },
 "TerminateFaultTolerantVMRequestType": {
  "fields": {
   "vm": "ManagedObjectReference"
  },
  "required": []
 },
 "UserSession": {
  "parent": "DataObject",
  "fields": {
   "key": "string",
   "userName": "string",
   "fullName": "string",
   "loginTime": "dateTime",
   "lastActiveTime": "dateTime",
   "locale": "string",
   "messageLocale": "string",
   "extensionSession": "boolean",
   "ipAddress": "string",
   "userAgent": "string",
   "callCount": "long"
  },
  "required": [
   "key",
   "userName",
   "fullName",
   "loginTime",
   "lastActiveTime",
   "locale",
   "messageLocale",
   "extensionSession",
   "ipAddress",
   "userAgent",
   "callCount"
  ]
 },
 "WaitForUpdatesExRequestType": {
  "fields": {
   "version": "string",
   "options": "WaitOptions"
  },
  "required": []
 },
 "ClusterNotAttemptedVmInfo": {
  "parent": "DataObject",
  "fields": {
   "vm": "ManagedObjectReference",
   "fault": "MethodFault"
  },
  "required": [
   "vm",
   "fault"
  ]
 },
 "ClusterRecommendation": {
  "parent": "DataObject",
  "fields": {
   "key": "string",
   "type": "string",
   "time": "dateTime",
   "rating": "int",
   "reason": "string",
   "reasonText": "string",
   "warningText": "string",
   "warningDetails": "LocalizableMessage",
   "prerequisite": "string[]",
   "action": "ClusterAction[]",
   "target": "ManagedObjectReference"
  },
  "required": [
   "key",
   "type",
   "time",
   "rating",
   "reason",
   "reasonText"
  ]
 },
 "ClusterPowerOnVmResult": {
  "parent": "DataObject",
  "fields": {
   "attempted": "ClusterAttemptedVmInfo[]",
   "notAttempted": "ClusterNotAttemptedVmInfo[]",
   "recommendations": "ClusterRecommendation[]"
  },
  "required": []
 },
 "ClusterAction": {
  "parent": "DataObject",
  "fields": {
   "type": "string",
   "target": "ManagedObjectReference"
  },
  "required": [
   "type"
  ]
 },
 "ClusterAttemptedVmInfo": {
  "parent": "DataObject",
  "fields": {
   "vm": "ManagedObjectReference",
   "task": "ManagedObjectReference"
  },
  "required": [
   "vm"
  ]
 },
 "FileFault": {
  "parent": "VimFault",
  "fields": {
   "file": "string"
  },
  "required": [
   "file"
  ]
 },
 "FaultToleranceNotLicensed": {
  "parent": "VmFaultToleranceIssue",
  "fields": {
   "hostName": "string"
  },
  "required": []
 },
 "InvalidPowerState": {
  "parent": "InvalidState",
  "fields": {
   "requestedState": "enum:VirtualMachinePowerState",
   "existingState": "enum:VirtualMachinePowerState"
  },
  "required": [
   "existingState"
  ]
 },
 "InvalidState": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "InvalidFormat": {
  "parent": "VmConfigFault",
  "fields": {},
  "required": []
 },
 "InvalidLocale": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "InvalidLogin": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "InvalidName": {
  "parent": "VimFault",
  "fields": {
   "name": "string",
   "entity": "ManagedObjectReference"
  },
  "required": [
   "name"
  ]
 },
 "InvalidOperationOnSecondaryVm": {
  "parent": "VmFaultToleranceIssue",
  "fields": {
   "instanceUuid": "string"
  },
  "required": [
   "instanceUuid"
  ]
 },
 "InsufficientResourcesFault": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "NoHostSuitableForFtSecondary": {
  "parent": "VmFaultToleranceIssue",
  "fields": {
   "vm": "ManagedObjectReference",
   "vmName": "string"
  },
  "required": [
   "vm",
   "vmName"
  ]
 },
 "NoPermission": {
  "parent": "SecurityError",
  "fields": {
   "object": "ManagedObjectReference",
   "privilegeId": "string",
   "missingPrivileges": "NoPermissionEntityPrivileges[]"
  },
  "required": []
 },
 "NoPermissionEntityPrivileges": {
  "parent": "DataObject",
  "fields": {
   "entity": "ManagedObjectReference",
   "privilegeIds": "string[]"
  },
  "required": [
   "entity"
  ]
 },
 "NotAuthenticated": {
  "parent": "NoPermission",
  "fields": {},
  "required": []
 },
 "NotFound": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "SSPIChallenge": {
  "parent": "VimFault",
  "fields": {
   "base64Token": "string"
  },
  "required": [
   "base64Token"
  ]
 },
 "SecondaryVmAlreadyDisabled": {
  "parent": "VmFaultToleranceIssue",
  "fields": {
   "instanceUuid": "string"
  },
  "required": [
   "instanceUuid"
  ]
 },
 "SecondaryVmAlreadyEnabled": {
  "parent": "VmFaultToleranceIssue",
  "fields": {
   "instanceUuid": "string"
  },
  "required": [
   "instanceUuid"
  ]
 },
 "SecondaryVmAlreadyRegistered": {
  "parent": "VmFaultToleranceIssue",
  "fields": {
   "instanceUuid": "string"
  },
  "required": [
   "instanceUuid"
  ]
 },
 "SnapshotFault": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "TaskInProgress": {
  "parent": "VimFault",
  "fields": {
   "task": "ManagedObjectReference"
  },
  "required": [
   "task"
  ]
 },
 "Timedout": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "ToolsUnavailable": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "VmFaultToleranceIssue": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "VimFault": {
  "parent": "MethodFault",
  "fields": {},
  "required": []
 },
 "VmConfigFault": {
  "parent": "VimFault",
  "fields": {},
  "required": []
 },
 "VmConfigIncompatibleForFaultTolerance": {
  "parent": "VmConfigFault",
  "fields": {
   "fault": "MethodFault"
  },
  "required": []
 },
 "VirtualMachineConfigInfo": {
  "parent": "DataObject",
  "fields": {
   "changeVersion": "string",
   "modified": "dateTime",
   "name": "string",
   "guestFullName": "string",
   "version": "string",
   "uuid": "string",
   "createDate": "dateTime",
   "instanceUuid": "string",
   "npivNodeWorldWideName": "long[]",
   "npivPortWorldWideName": "long[]",
   "npivWorldWideNameType": "string",
   "npivDesiredNodeWwns": "int",
   "npivDesiredPortWwns": "int",
   "npivTemporaryDisabled": "boolean",
   "npivOnNonRdmDisks": "boolean",
   "locationId": "string",
   "template": "boolean",
   "guestId": "string",
   "alternateGuestName": "string",
   "annotation": "string",
   "files": "VirtualMachineFileInfo",
   "tools": "ToolsConfigInfo",
   "flags": "VirtualMachineFlagInfo",
   "consolePreferences": "VirtualMachineConsolePreferences",
   "defaultPowerOps": "VirtualMachineDefaultPowerOpInfo",
   "rebootPowerOff": "boolean",
   "hardware": "VirtualHardware",
   "vcpuConfig": "VirtualMachineVcpuConfig[]",
   "cpuAllocation": "ResourceAllocationInfo",
   "memoryAllocation": "ResourceAllocationInfo",
   "latencySensitivity": "LatencySensitivity",
   "memoryHotAddEnabled": "boolean",
   "cpuHotAddEnabled": "boolean",
   "cpuHotRemoveEnabled": "boolean",
   "hotPlugMemoryLimit": "long",
   "hotPlugMemoryIncrementSize": "long",
   "cpuAffinity": "VirtualMachineAffinityInfo",
   "memoryAffinity": "VirtualMachineAffinityInfo",
   "networkShaper": "VirtualMachineNetworkShaperInfo",
   "extraConfig": "OptionValue[]",
   "cpuFeatureMask": "HostCpuIdInfo[]",
   "datastoreUrl": "VirtualMachineConfigInfoDatastoreUrlPair[]",
   "swapPlacement": "string",
   "bootOptions": "VirtualMachineBootOptions",
   "ftInfo": "FaultToleranceConfigInfo",
   "repConfig": "ReplicationConfigSpec",
   "vAppConfig": "VmConfigInfo",
   "vAssertsEnabled": "boolean",
   "changeTrackingEnabled": "boolean",
   "firmware": "string",
   "maxMksConnections": "int",
   "guestAutoLockEnabled": "boolean",
   "managedBy": "ManagedByInfo",
   "memoryReservationLockedToMax": "boolean",
   "initialOverhead": "VirtualMachineConfigInfoOverheadInfo",
   "nestedHVEnabled": "boolean",
   "vPMCEnabled": "boolean",
   "scheduledHardwareUpgradeInfo": "ScheduledHardwareUpgradeInfo",
   "forkConfigInfo": "VirtualMachineForkConfigInfo",
   "vFlashCacheReservation": "long",
   "vmxConfigChecksum": "base64Binary",
   "messageBusTunnelEnabled": "boolean",
   "vmStorageObjectId": "string",
   "swapStorageObjectId": "string",
   "keyId": "CryptoKeyId",
   "guestIntegrityInfo": "VirtualMachineGuestIntegrityInfo",
   "migrateEncryption": "string",
   "sgxInfo": "VirtualMachineSgxInfo",
   "contentLibItemInfo": "VirtualMachineContentLibraryItemInfo",
   "ftEncryptionMode": "string",
   "guestMonitoringModeInfo": "VirtualMachineGuestMonitoringModeInfo",
   "sevEnabled": "boolean",
   "numaInfo": "VirtualMachineVirtualNumaInfo",
   "pmemFailoverEnabled": "boolean",
   "vmxStatsCollectionEnabled": "boolean",
   "vmOpNotificationToAppEnabled": "boolean",
   "vmOpNotificationTimeout": "long",
   "deviceSwap": "VirtualMachineVirtualDeviceSwap",
   "pmem": "VirtualMachineVirtualPMem",
   "deviceGroups": "VirtualMachineVirtualDeviceGroups",
   "fixedPassthruHotPlugEnabled": "boolean",
   "metroFtEnabled": "boolean",
   "vmxRuntimeConfig": "OptionValue[]",
   "metroFtHostGroup": "string",
   "tdxEnabled": "boolean",
   "sevSnpEnabled": "boolean",
   "guestArchitecture": "string"
  },
  "required": [
   "changeVersion",
   "modified",
   "name",
   "guestFullName",
   "version",
   "uuid",
   "template",
   "guestId",
   "alternateGuestName",
   "files",
   "flags",
   "defaultPowerOps",
   "hardware"
  ]
 },
 "VirtualMachineConfigInfoDatastoreUrlPair": {
  "parent": "DataObject",
  "fields": {
   "name": "string",
   "url": "string"
  },
  "required": [
   "name",
   "url"
  ]
 },
 "VirtualMachineConfigInfoOverheadInfo": {
  "parent": "DataObject",
  "fields": {
   "initialMemoryReservation": "long",
   "initialSwapReservation": "long"
  },
  "required": []
 },
 "FaultToleranceConfigInfo": {
  "parent": "DataObject",
  "fields": {
   "role": "int",
   "instanceUuids": "string[]",
   "configPaths": "string[]",
   "orphaned": "boolean"
  },
  "required": [
   "role",
   "instanceUuids",
   "configPaths"
  ]
 },
 "FaultToleranceConfigSpec": {
  "parent": "DataObject",
  "fields": {
   "metaDataPath": "FaultToleranceMetaSpec",
   "secondaryVmSpec": "FaultToleranceVMConfigSpec",
   "metroFtEnabled": "boolean",
   "metroFtHostGroup": "string"
  },
  "required": []
 },
 "FaultToleranceMetaSpec": {
  "parent": "DataObject",
  "fields": {
   "metaDataDatastore": "ManagedObjectReference"
  },
  "required": [
   "metaDataDatastore"
  ]
 },
 "FaultTolerancePrimaryConfigInfo": {
  "parent": "FaultToleranceConfigInfo",
  "fields": {
   "secondaries": "ManagedObjectReference[]"
  },
  "required": [
   "secondaries"
  ]
 },
 "FaultToleranceSecondaryConfigInfo": {
  "parent": "FaultToleranceConfigInfo",
  "fields": {
   "primaryVM": "ManagedObjectReference"
  },
  "required": [
   "primaryVM"
  ]
 },
 "FaultToleranceSecondaryOpResult": {
  "parent": "DataObject",
  "fields": {
   "vm": "ManagedObjectReference",
   "powerOnAttempted": "boolean",
   "powerOnResult": "ClusterPowerOnVmResult"
  },
  "required": [
   "vm",
   "powerOnAttempted"
  ]
 },
 "FaultToleranceVMConfigSpec": {
  "parent": "DataObject",
  "fields": {
   "vmConfig": "ManagedObjectReference",
   "disks": "FaultToleranceDiskSpec[]"
  },
  "required": []
 },
 "FaultToleranceDiskSpec": {
  "parent": "DataObject",
  "fields": {
   "disk": "VirtualDevice",
   "datastore": "ManagedObjectReference"
  },
  "required": [
   "disk",
   "datastore"
  ]
 },
 "VirtualMachineFeatureRequirement": {
  "parent": "DataObject",
  "fields": {
   "key": "string",
   "featureName": "string",
   "value": "string"
  },
  "required": [
   "key",
   "featureName",
   "value"
  ]
 },
 "VirtualMachineFileInfo": {
  "parent": "DataObject",
  "fields": {
   "vmPathName": "string",
   "snapshotDirectory": "string",
   "suspendDirectory": "string",
   "logDirectory": "string",
   "ftMetadataDirectory": "string"
  },
  "required": []
 },
 "ScheduledHardwareUpgradeInfo": {
  "parent": "DataObject",
  "fields": {
   "upgradePolicy": "string",
   "versionKey": "string",
   "scheduledHardwareUpgradeStatus": "string",
   "fault": "MethodFault"
  },
  "required": []
 },
 "VirtualMachineSgxInfo": {
  "parent": "DataObject",
  "fields": {
   "epcSize": "long",
   "flcMode": "string",
   "lePubKeyHash": "string",
   "requireAttestation": "boolean"
  },
  "required": [
   "epcSize"
  ]
 },
 "VirtualMachineRuntimeInfo": {
  "parent": "DataObject",
  "fields": {
   "device": "VirtualMachineDeviceRuntimeInfo[]",
   "host": "ManagedObjectReference",
   "connectionState": "enum:VirtualMachineConnectionState",
   "powerState": "enum:VirtualMachinePowerState",
   "vmFailoverInProgress": "boolean",
   "faultToleranceState": "enum:VirtualMachineFaultToleranceState",
   "dasVmProtection": "VirtualMachineRuntimeInfoDasProtectionState",
   "toolsInstallerMounted": "boolean",
   "suspendTime": "dateTime",
   "bootTime": "dateTime",
   "suspendInterval": "long",
   "question": "VirtualMachineQuestionInfo",
   "memoryOverhead": "long",
   "maxCpuUsage": "int",
   "maxMemoryUsage": "int",
   "numMksConnections": "int",
   "recordReplayState": "enum:VirtualMachineRecordReplayState",
   "cleanPowerOff": "boolean",
   "needSecondaryReason": "string",
   "onlineStandby": "boolean",
   "minRequiredEVCModeKey": "string",
   "consolidationNeeded": "boolean",
   "offlineFeatureRequirement": "VirtualMachineFeatureRequirement[]",
   "featureRequirement": "VirtualMachineFeatureRequirement[]",
   "featureMask": "HostFeatureMask[]",
   "vFlashCacheAllocation": "long",
   "paused": "boolean",
   "snapshotInBackground": "boolean",
   "quiescedForkParent": "boolean",
   "instantCloneFrozen": "boolean",
   "cryptoState": "string",
   "suspendedToMemory": "boolean",
   "opNotificationTimeout": "long",
   "iommuActive": "boolean",
   "consolidateWorkTotal": "long",
   "consolidateWorkDone": "long",
   "diskChainBroken": "boolean"
  },
  "required": [
   "connectionState",
   "powerState",
   "faultToleranceState",
   "toolsInstallerMounted",
   "numMksConnections",
   "recordReplayState",
   "onlineStandby",
   "consolidationNeeded"
  ]
 },
 "VirtualMachineRuntimeInfoDasProtectionState": {
  "parent": "DataObject",
  "fields": {
   "dasProtected": "boolean"
  },
  "required": [
   "dasProtected"
  ]
 },
 "VirtualMachineSnapshotInfo": {
  "parent": "DataObject",
  "fields": {
   "currentSnapshot": "ManagedObjectReference",
   "rootSnapshotList": "VirtualMachineSnapshotTree[]"
  },
  "required": [
   "rootSnapshotList"
  ]
 },
 "SnapshotSelectionSpec": {
  "parent": "DataObject",
  "fields": {
   "retentionDays": "int"
  },
  "required": []
 },
 "VirtualMachineSnapshotTree": {
  "parent": "DataObject",
  "fields": {
   "snapshot": "ManagedObjectReference",
   "vm": "ManagedObjectReference",
   "name": "string",
   "description": "string",
   "id": "int",
   "createTime": "dateTime",
   "state": "enum:VirtualMachinePowerState",
   "quiesced": "boolean",
   "backupManifest": "string",
   "childSnapshotList": "VirtualMachineSnapshotTree[]",
   "replaySupported": "boolean"
  },
  "required": [
   "snapshot",
   "vm",
   "name",
   "description",
   "id",
   "createTime",
   "state",
   "quiesced"
  ]
 },
 "VirtualMachineSummary": {
  "parent": "DataObject",
  "fields": {
   "vm": "ManagedObjectReference",
   "runtime": "VirtualMachineRuntimeInfo",
   "guest": "VirtualMachineGuestSummary",
   "config": "VirtualMachineConfigSummary",
   "storage": "VirtualMachineStorageSummary",
   "quickStats": "VirtualMachineQuickStats",
   "overallStatus": "enum:ManagedEntityStatus",
   "customValue": "CustomFieldValue[]"
  },
  "required": [
   "runtime",
   "config",
   "quickStats",
   "overallStatus"
  ]
 },
 "VirtualMachineConfigSummary": {
  "parent": "DataObject",
  "fields": {
   "name": "string",
   "template": "boolean",
   "vmPathName": "string",
   "memorySizeMB": "int",
   "cpuReservation": "int",
   "memoryReservation": "int",
   "numCpu": "int",
   "numEthernetCards": "int",
   "numVirtualDisks": "int",
   "uuid": "string",
   "instanceUuid": "string",
   "guestId": "string",
   "guestFullName": "string",
   "annotation": "string",
   "product": "VAppProductInfo",
   "installBootRequired": "boolean",
   "ftInfo": "FaultToleranceConfigInfo",
   "managedBy": "ManagedByInfo",
   "tpmPresent": "boolean",
   "numVmiopBackings": "int",
   "hwVersion": "string"
  },
  "required": [
   "name",
   "template",
   "vmPathName"
  ]
 },
 "VirtualMachineGuestSummary": {
  "parent": "DataObject",
  "fields": {
   "guestId": "string",
   "guestFullName": "string",
   "toolsStatus": "enum:VirtualMachineToolsStatus",
   "toolsVersionStatus": "string",
   "toolsVersionStatus2": "string",
   "toolsRunningStatus": "string",
   "hostName": "string",
   "ipAddress": "string",
   "hwVersion": "string"
  },
  "required": []
 },
 "DataObject": {
  "fields": {},
  "required": []
 },
 "DynamicProperty": {
  "parent": "DataObject",
  "fields": {
   "name": "string",
   "val": "Any"
  },
  "required": [
   "name",
   "val"
  ]
 },
 "KeyAnyValue": {
  "parent": "DataObject",
  "fields": {
   "key": "string",
   "value": "Any"
  },
  "required": [
   "key",
   "value"
  ]
 },
 "LocalizableMessage": {
  "parent": "DataObject",
  "fields": {
   "key": "string",
   "arg": "KeyAnyValue[]",
   "message": "string"
  },
  "required": [
   "key"
  ]
 },
 "LocalizedMethodFault": {
  "parent": "DataObject",
  "fields": {
   "fault": "MethodFault",
   "localizedMessage": "string"
  },
  "required": [
   "fault"
  ]
 },
 "MethodFault": {
  "fields": {
   "faultCause": "MethodFault",
   "faultMessage": "LocalizableMessage[]"
  },
  "required": []
 },
 "RuntimeFault": {
  "parent": "MethodFault",
  "fields": {},
  "required": []
 },
 "InvalidArgument": {
  "parent": "RuntimeFault",
  "fields": {
   "invalidProperty": "string"
  },
  "required": []
 },
 "InvalidRequest": {
  "parent": "RuntimeFault",
  "fields": {},
  "required": []
 },
 "ManagedObjectNotFound": {
  "parent": "RuntimeFault",
  "fields": {
   "obj": "ManagedObjectReference"
  },
  "required": [
   "obj"
  ]
 },
 "NotEnoughLicenses": {
  "parent": "RuntimeFault",
  "fields": {},
  "required": []
 },
 "NotSupported": {
  "parent": "RuntimeFault",
  "fields": {},
  "required": []
 },
 "RequestCanceled": {
  "parent": "RuntimeFault",
  "fields": {},
  "required": []
 },
 "SecurityError": {
  "parent": "RuntimeFault",
  "fields": {},
  "required": []
 },
 "SystemError": {
  "parent": "RuntimeFault",
  "fields": {
   "reason": "string"
  },
  "required": [
   "reason"
  ]
 },
 "InvalidCollectorVersion": {
  "parent": "MethodFault",
  "fields": {},
  "required": []
 },
 "InvalidProperty": {
  "parent": "MethodFault",
  "fields": {
   "name": "string"
  },
  "required": [
   "name"
  ]
 },
 "PropertyChange": {
  "parent": "DataObject",
  "fields": {
   "name": "string",
   "op": "enum:PropertyChangeOp",
   "val": "Any"
  },
  "required": [
   "name",
   "op"
  ]
 },
 "PropertyFilterSpec": {
  "parent": "DataObject",
  "fields": {
   "propSet": "PropertySpec[]",
   "objectSet": "ObjectSpec[]",
   "reportMissingObjectsInResults": "boolean"
  },
  "required": [
   "propSet",
   "objectSet"
  ]
 },
 "PropertyFilterUpdate": {
  "parent": "DataObject",
  "fields": {
   "filter": "ManagedObjectReference",
   "objectSet": "ObjectUpdate[]",
   "missingSet": "MissingObject[]"
  },
  "required": [
   "filter"
  ]
 },
 "MissingObject": {
  "parent": "DataObject",
  "fields": {
   "obj": "ManagedObjectReference",
   "fault": "MethodFault"
  },
  "required": [
   "obj",
   "fault"
  ]
 },
 "MissingProperty": {
  "parent": "DataObject",
  "fields": {
   "path": "string",
   "fault": "MethodFault"
  },
  "required": [
   "path",
   "fault"
  ]
 },
 "ObjectContent": {
  "parent": "DataObject",
  "fields": {
   "obj": "ManagedObjectReference",
   "propSet": "DynamicProperty[]",
   "missingSet": "MissingProperty[]"
  },
  "required": [
   "obj"
  ]
 },
 "ObjectSpec": {
  "parent": "DataObject",
  "fields": {
   "obj": "ManagedObjectReference",
   "skip": "boolean",
   "selectSet": "SelectionSpec[]"
  },
  "required": [
   "obj"
  ]
 },
 "ObjectUpdate": {
  "parent": "DataObject",
  "fields": {
   "kind": "enum:ObjectUpdateKind",
   "obj": "ManagedObjectReference",
   "changeSet": "PropertyChange[]",
   "missingSet": "MissingProperty[]"
  },
  "required": [
   "kind",
   "obj"
  ]
 },
 "PropertySpec": {
  "parent": "DataObject",
  "fields": {
   "type": "string",
   "all": "boolean",
   "pathSet": "string[]"
  },
  "required": [
   "type"
  ]
 },
 "RetrieveOptions": {
  "parent": "DataObject",
  "fields": {
   "maxObjects": "int"
  },
  "required": []
 },
 "RetrieveResult": {
  "parent": "DataObject",
  "fields": {
   "token": "string",
   "objects": "ObjectContent[]"
  },
  "required": [
   "objects"
  ]
 },
 "SelectionSpec": {
  "parent": "DataObject",
  "fields": {
   "name": "string"
  },
  "required": []
 },
 "TraversalSpec": {
  "parent": "SelectionSpec",
  "fields": {
   "type": "string",
   "path": "string",
   "skip": "boolean",
   "selectSet": "SelectionSpec[]"
  },
  "required": [
   "type",
   "path"
  ]
 },
 "UpdateSet": {
  "parent": "DataObject",
  "fields": {
   "version": "string",
   "filterSet": "PropertyFilterUpdate[]",
   "truncated": "boolean"
  },
  "required": [
   "version"
  ]
 },
 "WaitOptions": {
  "parent": "DataObject",
  "fields": {
   "maxWaitSeconds": "int",
   "maxObjectUpdates": "int"
  },
  "required": []
 },
 "CryptoKeyId": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "CustomFieldValue": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "GuestInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "HostCpuIdInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "HostFeatureMask": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "LatencySensitivity": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "ManagedByInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "OptionValue": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "ReplicationConfigSpec": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "ResourceAllocationInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "ToolsConfigInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VAppProductInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualDevice": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualHardware": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineAffinityInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineBootOptions": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineConsolePreferences": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineContentLibraryItemInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineDefaultPowerOpInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineDeviceRuntimeInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineFlagInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineForkConfigInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineGuestIntegrityInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineGuestMonitoringModeInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineGuestQuiesceSpec": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineNetworkShaperInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineQuestionInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineQuickStats": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineStorageSummary": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineVcpuConfig": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineVirtualDeviceGroups": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineVirtualDeviceSwap": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineVirtualNumaInfo": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VirtualMachineVirtualPMem": {
  "fields": {},
  "required": [],
  "stub": true
 },
 "VmConfigInfo": {
  "fields": {},
  "required": [],
  "stub": true
 }
};

export const SPEC_ENUMS: Record<string, readonly string[]> = {
 "ManagedEntityStatus": [
  "gray",
  "green",
  "yellow",
  "red"
 ],
 "VirtualMachineConnectionState": [
  "connected",
  "disconnected",
  "orphaned",
  "inaccessible",
  "invalid"
 ],
 "VirtualMachineFaultToleranceState": [
  "notConfigured",
  "disabled",
  "enabled",
  "needSecondary",
  "starting",
  "running"
 ],
 "VirtualMachineFaultToleranceType": [
  "unset",
  "recordReplay",
  "checkpointing"
 ],
 "VirtualMachinePowerState": [
  "poweredOff",
  "poweredOn",
  "suspended"
 ],
 "VirtualMachineRecordReplayState": [
  "recording",
  "replaying",
  "inactive"
 ],
 "TaskInfoState": [
  "queued",
  "running",
  "success",
  "error"
 ],
 "PropertyChangeOp": [
  "add",
  "remove",
  "assign",
  "indirectRemove"
 ],
 "ObjectUpdateKind": [
  "modify",
  "enter",
  "leave"
 ]
};

/** `ManagedObjectReference.type` values (MoTypes_enum). */
export const MO_TYPES: readonly string[] = ["Alarm","AlarmManager","AuthorizationManager","CertificateManager","ClusterComputeResource","ClusterEVCManager","ClusterProfile","ClusterProfileManager","ComputeResource","ContainerView","CryptoManager","CryptoManagerHost","CryptoManagerHostKMS","CryptoManagerKmip","CustomFieldsManager","CustomizationSpecManager","Datacenter","Datastore","DatastoreNamespaceManager","DiagnosticManager","DirectPathProfileManager","DistributedVirtualPortgroup","DistributedVirtualSwitch","DistributedVirtualSwitchManager","EnvironmentBrowser","EventHistoryCollector","EventManager","ExtensibleManagedObject","ExtensionManager","FailoverClusterConfigurator","FailoverClusterManager","FileManager","Folder","GuestAliasManager","GuestAuthManager","GuestFileManager","GuestOperationsManager","GuestProcessManager","GuestWindowsRegistryManager","HealthUpdateManager","HistoryCollector","HostAccessManager","HostActiveDirectoryAuthentication","HostAssignableHardwareManager","HostAuthenticationManager","HostAuthenticationStore","HostAutoStartManager","HostBootDeviceSystem","HostCacheConfigurationManager","HostCertificateManager","HostCpuSchedulerSystem","HostDatastoreBrowser","HostDatastoreSystem","HostDateTimeSystem","HostDiagnosticSystem","HostDirectoryStore","HostEsxAgentHostManager","HostFirewallSystem","HostFirmwareSystem","HostGraphicsManager","HostHealthStatusSystem","HostImageConfigManager","HostKernelModuleSystem","HostLocalAccountManager","HostLocalAuthentication","HostMemorySystem","HostNetworkSystem","HostNvdimmSystem","HostPatchManager","HostPciPassthruSystem","HostPowerSystem","HostProfile","HostProfileManager","HostServiceSystem","HostSnmpSystem","HostSpecificationManager","HostStorageSystem","HostSystem","HostVFlashManager","HostVMotionSystem","HostVStorageObjectManager","HostVirtualNicManager","HostVsanHealthSystem","HostVsanInternalSystem","HostVsanSystem","HttpNfcLease","InventoryView","IoFilterManager","IpPoolManager","IscsiManager","LicenseAssignmentManager","LicenseManager","ListView","LocalizationManager","ManagedEntity","ManagedObjectView","MessageBusProxy","Network","OpaqueNetwork","OptionManager","OverheadMemoryManager","OvfManager","PerformanceManager","Profile","ProfileComplianceManager","ProfileManager","PropertyCollector","PropertyFilter","ResourcePlanningManager","ResourcePool","ScheduledTask","ScheduledTaskManager","SearchIndex","ServiceInstance","ServiceManager","SessionManager","SimpleCommand","SiteInfoManager","StoragePod","StorageQueryManager","StorageResourceManager","Task","TaskHistoryCollector","TaskManager","TenantTenantManager","TransitGateway","UserDirectory","VStorageObjectManagerBase","VcenterVStorageObjectManager","View","ViewManager","VimClusterVsanVcDiskManagementSystem","VimClusterVsanVcStretchedClusterSystem","VirtualApp","VirtualDiskManager","VirtualMachine","VirtualMachineCompatibilityChecker","VirtualMachineGuestCustomizationManager","VirtualMachineProvisioningChecker","VirtualMachineSnapshot","VirtualizationManager","VmwareDistributedVirtualSwitch","VsanCapabilitySystem","VsanClusterHealthSystem","VsanClusterMgmtInternalSystem","VsanIscsiTargetSystem","VsanObjectSystem","VsanPerformanceManager","VsanSpaceReportSystem","VsanSystemEx","VsanUpgradeSystem","VsanUpgradeSystemEx","VsanVcClusterConfigSystem","VsanVcClusterHealthSystem","VsanVcsaDeployerSystem","Agency","Agent","EamObject","EamTask","EsxAgentManager","PbmCapabilityMetadataManager","PbmComplianceManager","PbmPlacementSolver","PbmProfileProfileManager","PbmProvider","PbmReplicationManager","PbmServiceInstance","PbmSessionManager","SmsProvider","SmsServiceInstance","SmsSessionManager","SmsStorageManager","SmsTask","VasaProvider","ManagedObject","CnsVolumeManager","DataProtectionHealthSystem","HostSpbm","VsanClusterPowerSystem","VsanDiagnosticsSystem","VsanFileServiceSystem","VsanHostVdsSystem","VsanIoInsightManager","VsanMassCollector","VsanObjectManager","VsanPhoneHomeSystem","VsanPolicyManager","VsanRemoteDatastoreSystem","VsanResourceCheckSystem","VsanSiteMaintenanceSystem","VsanUpdateManager","VsanVdsSystem","VsanVumSystem","VslmServiceInstance","VslmSessionManager","VslmStorageLifecycleManager","VslmTask","VslmVStorageObjectManager"];
