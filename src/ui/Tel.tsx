/**
 * A phone number people can tap to call (`tel:`), shown whole on one line with the phone icon. The number's
 * digits go into the link as dialled; spaces and dashes in the stored form are kept for reading only.
 */
import { Icon } from './icons.tsx';

export function Tel({ number, label }: { number: string; label?: string }) {
  const dial = number.replace(/[^\d+]/g, '');
  return (
    <a href={`tel:${dial}`} class="tel">
      <Icon name="phone" />
      <span>{label ?? number}</span>
    </a>
  );
}
