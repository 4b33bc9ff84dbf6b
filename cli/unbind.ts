/**
 * `cbat unbind <username>`: the user gets no more tokens (no certificate bound: the trigger
 * fails closed) and every refresh token of theirs stops working (AdminUserGlobalSignOut).
 * Access tokens already issued keep working with their old certificate until they expire.
 */
import type { Command } from "commander";
import { AdminDeleteUserAttributesCommand, AdminUserGlobalSignOutCommand, type CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { requestSettingOptions, type PoolCommandOptions } from "./pool-options";
import { requireSetting, resolvePoolSettings, type PoolSettings } from "./pool-settings";

/** How the CLI reaches Cognito (cli/main.ts provides it). */
export interface CognitoAccess {
  readonly client: (settings: PoolSettings) => CognitoIdentityProviderClient;
  readonly call: <T>(call: () => Promise<T>) => Promise<T>;
}

export function registerUnbindCommand(program: Command, cognito: CognitoAccess): void {
  requestSettingOptions(program.command("unbind").description("unbind a user's certificate (clears custom:cert_fingerprint) and sign the user out everywhere (refresh tokens stop working)"))
    .argument("<username>", "user name")
    .addHelpText("after", "\nExample:\n  cbat unbind alice --outputs outputs.json")
    .action(async (username: string, options: PoolCommandOptions) => {
      const settings = resolvePoolSettings(options);
      const userPoolId = requireSetting(settings, "userPoolId");
      const client = cognito.client(settings);
      await cognito.call(() => client.send(new AdminDeleteUserAttributesCommand({ UserPoolId: userPoolId, Username: username, UserAttributeNames: ["custom:cert_fingerprint"] })));
      await cognito.call(() => client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: username })));
      process.stdout.write(`unbound ${username}: no certificate bound (no new tokens until \`cbat bind\`), refresh tokens revoked; access tokens already issued work only with the old certificate until they expire\n`);
    });
}
