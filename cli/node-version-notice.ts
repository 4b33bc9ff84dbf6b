/**
 * On Node < 22 the AWS SDK prints a NodeVersionSupportWarning on every client it creates:
 * SDK releases after January 2027 will require Node 22. Our SDK version is pinned in
 * package-lock.json, so the notice concerns whoever upgrades it, not whoever runs cbat; the
 * README.md ("Supported Node versions") carries it for them. This turns off that one notice
 * through the SDK's own switch, unless the user has set the switch themselves
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it). Every other warning prints.
 */
export function quietNodeVersionNotice(): void {
  if (!process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}
