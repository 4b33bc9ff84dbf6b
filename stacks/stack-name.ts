/** Name of the app's stack, and so of its Terraform working directory `cdktf.out/stacks/<name>`. */
export const STACK_NAME = "cert-bound-api";
