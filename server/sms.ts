/**
 * Text messages to residents' phones (issue 13): sign-up codes and case progress.
 *
 * Contract: `SmsSender.send(to, text)` resolves once the provider accepted the message (or the log line is
 * written) and rejects when it did not; `to` is a normalised mobile number (src/domain/citizens.ts). `reachesPhones`
 * says whether a message actually arrives on a phone: sign-up by SMS code is offered, and progress messages are
 * sent, only when it is true (a code nobody receives would be a dead end for the resident).
 *
 * Transports (SMS_TRANSPORT, config.ts):
 *  - `log` (default): the message is written to the relay's log (stderr) and nothing leaves the machine. It does
 *    not reach phones, except with `--demo` (the demo's operator reads the codes from the log).
 *  - `http`: one POST per message to SMS_HTTP_URL, for a provider the county contracts (or a small gateway in
 *    front of it: Aliyun SMS, Tencent Cloud SMS and the like each need their own signing, which a gateway does):
 *        POST SMS_HTTP_URL
 *        Authorization: Bearer <SMS_HTTP_TOKEN>          (when SMS_HTTP_TOKEN is set)
 *        Content-Type: application/json
 *        {"to":"13812345678","text":"【SMS_SIGN】…","sign":"<SMS_SIGN>"}
 *    Any 2xx answer is "accepted"; anything else (or no answer within 10 s) is a failure, logged, and not retried
 *    (a progress message is sent at most once: server/progress.ts).
 */
import type { Logger } from './log.ts';

export interface SmsSender {
  /** `log` or `http` (shown in the log and the admin's SMS log). */
  readonly transport: string;
  /** Whether messages reach phones (see above). */
  readonly reachesPhones: boolean;
  send(to: string, text: string): Promise<void>;
}

export interface SmsConfig {
  transport: 'log' | 'http';
  /** `http`: the provider's (or gateway's) endpoint. */
  httpUrl?: string;
  httpToken?: string;
  /** The signature the provider registered, put in front of every text as 【sign】. Default 网格通. */
  sign: string;
}

export const DEFAULT_SMS: SmsConfig = { transport: 'log', sign: '网格通' };

/** Writes each message to the relay's log. */
export class LogSmsSender implements SmsSender {
  readonly transport = 'log';
  constructor(
    private readonly log: Logger,
    readonly reachesPhones: boolean,
  ) {}
  async send(to: string, text: string): Promise<void> {
    this.log.info(`sms (log transport) to ${to}: ${text}`);
  }
}

/** POSTs each message to a provider's HTTP endpoint (see the module comment for the request). */
export class HttpSmsSender implements SmsSender {
  readonly transport = 'http';
  readonly reachesPhones = true;
  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly sign: string,
    private readonly timeoutMs = 10_000,
  ) {}
  async send(to: string, text: string): Promise<void> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await fetch(this.url, {
      method: 'POST',
      headers,
      body: JSON.stringify({ to, text, sign: this.sign }),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`SMS provider answered ${res.status}`);
  }
}

export function createSmsSender(config: SmsConfig, log: Logger, demo: boolean): SmsSender {
  if (config.transport === 'http' && config.httpUrl) return new HttpSmsSender(config.httpUrl, config.httpToken, config.sign);
  return new LogSmsSender(log, demo);
}

/** The text with the provider's signature in front (Chinese SMS rules require it). */
export function signed(sign: string, text: string): string {
  return `【${sign}】${text}`;
}
