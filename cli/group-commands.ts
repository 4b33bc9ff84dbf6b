/**
 * `cbat group add|remove|list`: Cognito group membership, which maps to scopes through
 * `api.groupScopes` (the pre-token-generation trigger adds the scopes of the user's groups).
 * A change shows in the user's next token, not in tokens already issued.
 */
import type { Command } from "commander";
import type { GroupType } from "@aws-sdk/client-cognito-identity-provider";
import { cognitoCall, connectCognito } from "./cognito-client";
import { requestSettingOptions, type PoolCommandOptions } from "./pool-options";
import { requireSetting, resolvePoolSettings } from "./pool-settings";

const out = (text: string): void => void process.stdout.write(`${text}\n`);

export function addGroupCommands(program: Command): void {
  const group = program.command("group").description("Cognito group membership (groups map to scopes: api.groupScopes)");
  requestSettingOptions(group.command("add").description("put a user into a group; their next token carries its scopes"))
    .argument("<username>", "user name")
    .argument("<group>", "Cognito group (one of api.groupScopes)")
    .addHelpText("after", "\nExample:\n  cbat group add alice account-readers --outputs .local/stack.json")
    .action(async (username: string, name: string, options: PoolCommandOptions) => {
      const { cognito, userPoolId } = connect(options);
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: name })));
      out(`${username} is in ${name}; tokens issued from now on carry its scopes`);
    });
  requestSettingOptions(group.command("remove").description("take a user out of a group; tokens already issued keep its scopes until they expire"))
    .argument("<username>", "user name")
    .argument("<group>", "Cognito group")
    .addHelpText("after", "\nExample:\n  cbat group remove alice account-admins --outputs outputs.json")
    .action(async (username: string, name: string, options: PoolCommandOptions) => {
      const { cognito, userPoolId } = connect(options);
      await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminRemoveUserFromGroupCommand({ UserPoolId: userPoolId, Username: username, GroupName: name })));
      out(`${username} is no longer in ${name}; tokens issued before keep its scopes until they expire`);
    });
  requestSettingOptions(group.command("list").description("the groups of a user, one per line"))
    .argument("<username>", "user name")
    .addHelpText("after", "\nExample:\n  cbat group list alice --outputs .local/stack.json")
    .action(async (username: string, options: PoolCommandOptions) => {
      const { cognito, userPoolId } = connect(options);
      const groups: GroupType[] = [];
      let nextToken: string | undefined;
      do {
        const page = await cognitoCall(cognito, (client, sdk) => client.send(new sdk.AdminListGroupsForUserCommand({ UserPoolId: userPoolId, Username: username, NextToken: nextToken })));
        groups.push(...(page.Groups ?? []));
        nextToken = page.NextToken;
      } while (nextToken);
      for (const g of groups) out(g.GroupName ?? "");
      if (groups.length === 0) process.stderr.write(`${username} is in no group\n`);
    });
}

function connect(options: PoolCommandOptions) {
  const settings = resolvePoolSettings(options);
  return { cognito: connectCognito(settings, options.timeout), userPoolId: requireSetting(settings, "userPoolId") };
}
