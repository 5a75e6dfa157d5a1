// Issue 13: SMS_* configuration and the HTTP transport's request (server/sms.ts), against a real local server.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ConfigError, readEnv } from '../../server/config.ts';
import { createSmsSender, HttpSmsSender, LogSmsSender } from '../../server/sms.ts';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe('SMS configuration', () => {
  it('defaults to the log transport, which reaches no phone outside the demo', () => {
    const c = readEnv({});
    expect(c.sms).toEqual({ transport: 'log', sign: '网格通' });
    expect(createSmsSender(c.sms, quiet, false).reachesPhones).toBe(false);
    expect(createSmsSender(c.sms, quiet, true).reachesPhones).toBe(true);
  });

  it('takes an HTTP provider and refuses bad settings by name', () => {
    const c = readEnv({ SMS_TRANSPORT: 'http', SMS_HTTP_URL: 'https://sms.example.cn/send', SMS_HTTP_TOKEN: 'k', SMS_SIGN: '某县网格' });
    expect(c.sms).toEqual({ transport: 'http', httpUrl: 'https://sms.example.cn/send', httpToken: 'k', sign: '某县网格' });
    expect(createSmsSender(c.sms, quiet, false)).toBeInstanceOf(HttpSmsSender);
    expect(() => readEnv({ SMS_TRANSPORT: 'http' })).toThrow(/SMS_HTTP_URL/);
    expect(() => readEnv({ SMS_TRANSPORT: 'pigeon' })).toThrow(ConfigError);
    expect(() => readEnv({ SMS_SIGN: '【网格】' })).toThrow(/SMS_SIGN/);
  });
});

describe('HttpSmsSender', () => {
  it('POSTs {to, text, sign} with the bearer token; a non-2xx answer is a failure', async () => {
    const got: Array<{ auth: string | undefined; body: unknown }> = [];
    let status = 200;
    const server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => {
        got.push({ auth: req.headers.authorization, body: JSON.parse(data) });
        res.statusCode = status;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/send`;
      const sender = new HttpSmsSender(url, 'secret-token', '网格通');
      await sender.send('13812345678', '【网格通】您好');
      expect(got).toEqual([{ auth: 'Bearer secret-token', body: { to: '13812345678', text: '【网格通】您好', sign: '网格通' } }]);
      status = 500;
      await expect(sender.send('13812345678', 'x')).rejects.toThrow(/500/);
    } finally {
      server.close();
    }
  });

  it('the log transport writes the message to the log', async () => {
    const lines: string[] = [];
    await new LogSmsSender({ ...quiet, info: (m: string) => lines.push(m) }, false).send('13812345678', '验证码 123456');
    expect(lines).toEqual(['sms (log transport) to 13812345678: 验证码 123456']);
  });
});
