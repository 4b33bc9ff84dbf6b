/**
 * Paths and parameters of an API document as API Gateway takes them: resource path rules,
 * one variable name per level, and the method request parameters an operation declares.
 */
import { ApiDocumentError } from "./api-document-error";

/** Resource path rules of API Gateway; returns the template's variable names. */
export function checkPath(path: string): string[] {
  if (!path.startsWith("/")) throw new ApiDocumentError(`path "${path}" must start with "/"`);
  if (path === "/") return [];
  const segments = path.slice(1).split("/");
  const variables: string[] = [];
  segments.forEach((segment, index) => {
    const variable = /^\{([A-Za-z0-9._-]+)(\+?)\}$/.exec(segment);
    if (variable) {
      if (variable[2] === "+" && index !== segments.length - 1) throw new ApiDocumentError(`path ${path}: a greedy {${variable[1]}+} must be the last segment`);
      variables.push(variable[1]);
    } else if (segment === "." || segment === "..") {
      // Clients and proxies normalise dot segments (RFC 3986 §5.2.4): such a route could never be reached as written.
      throw new ApiDocumentError(`path "${path}": segment "${segment}" is a dot segment; write the path without "." and ".." parts`);
    } else if (!/^[A-Za-z0-9._:-]+$/.test(segment)) {
      throw new ApiDocumentError(`path "${path}": segment "${segment}" is empty or has characters API Gateway refuses (a path part takes letters, digits, '.', '_', '-', ':' or is a {variable})`);
    }
  });
  return variables;
}

/** API Gateway has one resource per level: sibling `{variables}` must share one name. */
export function checkVariableNames(path: string, variableAtLevel: Map<string, string>): void {
  const segments = path.split("/").slice(1);
  segments.forEach((segment, index) => {
    if (!segment.startsWith("{")) return;
    const level = `/${segments.slice(0, index).join("/")}`;
    const existing = variableAtLevel.get(level);
    if (existing !== undefined && existing !== segment) {
      throw new ApiDocumentError(`path ${path}: ${segment} conflicts with ${existing} under ${level}; API Gateway needs one variable name per level`);
    }
    variableAtLevel.set(level, segment);
  });
}

const PARAMETER_LOCATIONS: Record<string, string> = { path: "path", query: "querystring", header: "header" };

/** Path variables are always required; query and header parameters as the document says. */
export function requestParametersOf(root: Record<string, unknown>, pathParameters: unknown, operationParameters: unknown, templateVariables: string[], where: string): Record<string, boolean> {
  const result: Record<string, boolean> = {};
  for (const name of templateVariables) result[`method.request.path.${name}`] = true;
  for (const list of [pathParameters, operationParameters]) {
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw new ApiDocumentError(`${where}: parameters must be a list`);
    for (const entry of list) {
      const parameter = resolveParameter(root, entry, where);
      const location = PARAMETER_LOCATIONS[String(parameter.in)];
      if (!location) continue; // cookie parameters have no API Gateway request parameter
      if (typeof parameter.name !== "string" || parameter.name === "") throw new ApiDocumentError(`${where}: a parameter has no name`);
      if (location === "path") {
        if (!templateVariables.includes(parameter.name)) throw new ApiDocumentError(`${where}: path parameter "${parameter.name}" is not a {variable} of the path`);
        continue;
      }
      result[`method.request.${location}.${parameter.name}`] = parameter.required === true;
    }
  }
  return result;
}

function resolveParameter(root: Record<string, unknown>, entry: unknown, where: string): Record<string, unknown> {
  if (!isObject(entry)) throw new ApiDocumentError(`${where}: each parameter must be an object`);
  if (!("$ref" in entry)) return entry;
  const match = typeof entry.$ref === "string" ? /^#\/components\/parameters\/([^/]+)$/.exec(entry.$ref) : null;
  const components = isObject(root.components) && isObject(root.components.parameters) ? root.components.parameters : {};
  const target = match ? components[match[1]] : undefined;
  if (!isObject(target)) throw new ApiDocumentError(`${where}: parameter $ref ${JSON.stringify(entry.$ref)} must point to #/components/parameters/<name> of this document`);
  return target;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
