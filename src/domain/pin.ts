/** Issue 14: a quick-lock PIN is 4 to 6 digits (ASCII), checked on the device only (sync/vault.ts). */
export const PIN_MIN = 4;
export const PIN_MAX = 6;
export const isPin = (pin: string): boolean => /^[0-9]{4,6}$/.test(pin);
