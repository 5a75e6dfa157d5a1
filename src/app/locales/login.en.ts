/** English messages of the sign-in screen and the renewal banner; the same keys as login.zh.ts. */
import type { LoginMessages } from './login.zh.ts';

export const loginEn: LoginMessages = {
  'login.resident': 'Residents sign in with their mobile number and password.',
  'login.signup': 'No account yet? Create a resident account',
  'login.title': 'Sign in',
  'login.known': 'People who used this device before',
  'login.knownHint': 'Tap a name to fill in the username.',
  'login.lastLogin': 'Last signed in {time}',
  'login.forget': 'Remove from this device',
  'login.forgetLabel': 'Remove {name} and their local data from this device',
  'login.forgetConfirm': 'Remove all of {name}’s data from this device?',
  'login.forgetYes': 'Yes, remove',
  'login.forgetNo': 'Cancel',
  'login.forgotten': '{name} was removed from this device.',
  'login.username': 'Username or mobile number',
  'login.password': 'Password',
  'login.submit': 'Sign in',
  'login.busy': 'Signing in…',
  'login.offlineHint': 'Offline, people who signed in on this device before can still sign in.',
  'login.required': 'Enter a username and a password.',
  'login.error.bad_credentials': 'Wrong username or password.',
  'login.error.offline_unknown_user': 'You are offline and this person has not signed in on this device before. Connect to sign in.',
  'login.error.network': 'Cannot reach the server. Try again later.',
  'login.error.bad_request': 'The sign-in request was invalid. Check what you entered.',
  'login.error.too_many_attempts': 'Too many wrong passwords: this account is locked for a while. Try again later (at most 15 minutes) or ask an administrator.',
  'login.error.sealed_password': 'Your data on this device is encrypted with your previous password, which the new one cannot open. Go offline and sign in once with the previous password (then online with the new one), or ask an administrator.',
};
