/**
 * `cbat unbind <username>`: the user gets no more tokens (no certificate bound: the trigger
 * fails closed) and every refresh token of theirs stops working (AdminUserGlobalSignOut).
 * Access tokens already issued keep working with their old certificate until they expire.
 */
import type { Command } from "commander";
import { cognitoCall, connectCognito } from "./cognito-client";
import { requestSettingOptions, type PoolCommandOptions } from "./pool-options";
import { requireSetting, resolvePoolSettings } from "./pool-settings";

export function registerUnbindCommand(program: Command): void {
  requestSettingOptions(program.command("unbind").description("unbind a user's certificate (clears custom:cert_fingerprint) and sign the user out everywhere (refresh tokens stop working)"))
    .argument("<username>", "user name")
    .addHelpText("after", "\nExample:\n  cbat unbind alice --outputs outputs.json")
    .action(async (username: string, options: PoolCommandOptions) => {
      const settings = resolvePoolSettings(options);
      const userPoolId = requireSetting(settings, "userPoolId");
      const cognito = connectCognito(settings, options.timeout);
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminDeleteUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributeNames: ["custom:cert_fingerprint"] })));
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username })));
      process.stdout.write(`unbound ${username}: no certificate bound (no new tokens until \`cbat bind\`), refresh tokens revoked; access tokens already issued work only with the old certificate until they expire\n`);
    });
}
