/**
 * moto's request recorder (`/moto-api/recorder/*`): the AWS calls an apply made, in the order
 * moto received them, so a test can check what Terraform's graph did (which call came before
 * which). moto_servers started here record into their work folder (MOTO_RECORDER_FILEPATH);
 * a moto at AWS_ENDPOINT_URL records wherever its own settings say.
 */
export interface RecordedCall {
  /** The signing name of the call (`apigateway`, `lambda`, …), from its SigV4 credential scope. */
  readonly service: string;
  readonly method: string;
  /** The URL path, percent-decoded. */
  readonly path: string;
}

async function recorder(endpoint: string, action: string, method = "POST"): Promise<string> {
  const response = await fetch(`${endpoint}/moto-api/recorder/${action}`, { method });
  if (!response.ok) throw new Error(`moto's recorder did not ${action} (HTTP ${response.status}): is ${endpoint} a moto_server?`);
  return response.text();
}

/** Forgets what was recorded before, and records from now on. */
export async function startRecording(endpoint: string): Promise<void> {
  await recorder(endpoint, "reset-recording");
  await recorder(endpoint, "start-recording");
}

/** Stops recording; the calls recorded since startRecording. */
export async function stopRecording(endpoint: string): Promise<RecordedCall[]> {
  await recorder(endpoint, "stop-recording");
  return parseRecording(await recorder(endpoint, "download-recording", "GET"));
}

/**
 * moto's recording: one JSON object per line, `{"headers": …, "method", "url", "body"}`. moto
 * writes an entry and its line break in two writes, so concurrent requests can put two entries
 * on one line: such a line is split where the next entry starts.
 */
export function parseRecording(text: string): RecordedCall[] {
  return text.split(/\n|(?<=\})(?=\{"headers": ?\{)/).filter((line) => line.trim() !== "").map((line) => {
    const entry = JSON.parse(line) as { headers?: Record<string, string>; method: string; url: string };
    const authorization = Object.entries(entry.headers ?? {}).find(([name]) => name.toLowerCase() === "authorization")?.[1] ?? "";
    const service = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? "unknown";
    return { service, method: entry.method, path: decodeURIComponent(new URL(entry.url).pathname) };
  });
}
