/**
 * Photos on a form (the report, a resolve's after-photos): 拍照 (the camera) and 从相册选择 (the gallery, several at
 * once), up to MAX_PHOTOS. Each file is compressed on the device (compress.ts, one at a time), kept on this device
 * as a draft (session.evidence.keep, IndexedDB: works offline) and only then reported to the form as a PhotoRef,
 * so a photo the form submits always has its bytes here. Its thumbnail shows at once (an object URL of the
 * thumbnail's bytes, never of the original: a 12 MP <img> is what cheap phones die of).
 *
 * Contract: `onChange` gets the PhotoRef list in the order shown whenever it changes; `onBusy(true)` while any
 * file is still being compressed or kept (the form does not submit meanwhile). A file that is not an image, cannot
 * be decoded, or cannot be kept is named in an error and not added; the others go on.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../app/i18n.ts';
import '../../app/locales/capture.zh.ts';
import type { Session } from '../../app/services.ts';
import type { PhotoRef } from '../../domain/evidence.ts';
import { CaptureError, compressPhoto } from './compress.ts';
import './capture.css';

export interface PhotoCaptureProps {
  session: Session;
  /** Prefix of the element ids (two forms may be on one page). */
  id: string;
  label: string;
  hint?: string;
  /**
   * MAX_PHOTOS of src/domain/events.ts, passed by the form: importing it here would split the events module out of
   * the first bundle's chunk (this component is lazy) and cost the first screen bytes.
   */
  max: number;
  /** An error of the form about the photos (e.g. an after-photo is required), shown under the buttons. */
  error?: string | undefined;
  onChange(photos: PhotoRef[]): void;
  onBusy?(busy: boolean): void;
}

interface Item {
  key: number;
  name: string;
  ref?: PhotoRef;
  url?: string;
}

let nextKey = 1;

export function PhotoCapture(p: PhotoCaptureProps) {
  const [items, setItems] = useState<Item[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const camera = useRef<HTMLInputElement>(null);
  const gallery = useRef<HTMLInputElement>(null);
  const itemsRef = useRef<Item[]>(items);
  itemsRef.current = items;
  const mounted = useRef(true);
  const canKeep = Boolean(p.session.evidence);

  useEffect(
    () => () => {
      mounted.current = false;
      for (const it of itemsRef.current) if (it.url) URL.revokeObjectURL(it.url);
    },
    [],
  );

  const pending = items.some((it) => !it.ref);
  useEffect(() => p.onBusy?.(pending), [pending]);
  const refs = items.flatMap((it) => (it.ref ? [it.ref] : []));
  const refsKey = refs.map((r) => r.full).join();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    p.onChange(refs);
  }, [refsKey]);

  const addFiles = async (list: FileList | null, input: HTMLInputElement | null) => {
    const files = Array.from(list ?? []);
    // Reset, so choosing the same file again fires `change` again.
    if (input) input.value = '';
    if (!files.length) return;
    const room = p.max - itemsRef.current.length;
    const taken = files.slice(0, Math.max(0, room));
    const errs: string[] = files.length > taken.length ? [t('capture.tooMany', { max: p.max, n: files.length - taken.length })] : [];
    setErrors(errs);
    setNote('');
    const added = taken.map((f) => ({ key: nextKey++, name: f.name || '?' }));
    setItems((old) => [...old, ...added]);
    let ok = 0;
    for (const [i, file] of taken.entries()) {
      const item = added[i]!;
      try {
        const { full, thumb } = await compressPhoto(file);
        await p.session.evidence!.keep([thumb, full]);
        if (!mounted.current) return;
        const url = URL.createObjectURL(new Blob([thumb.bytes as BlobPart], { type: thumb.type }));
        // Removed while it was being compressed: forget it.
        if (!itemsRef.current.some((it) => it.key === item.key)) {
          URL.revokeObjectURL(url);
          continue;
        }
        ok++;
        setItems((old) => old.map((it) => (it.key === item.key ? { ...it, ref: { full: full.hash, thumb: thumb.hash }, url } : it)));
      } catch (e) {
        if (!mounted.current) return;
        const msg = e instanceof CaptureError ? t(`capture.err.${e.code}`, { name: item.name }) : t('capture.err.keep');
        errs.push(msg);
        setErrors([...errs]);
        setItems((old) => old.filter((it) => it.key !== item.key));
      }
    }
    if (mounted.current && ok) setNote(t('capture.added', { n: ok }));
  };

  const remove = (key: number, index: number) => {
    const it = items.find((x) => x.key === key);
    if (it?.url) URL.revokeObjectURL(it.url);
    setItems((old) => old.filter((x) => x.key !== key));
    setNote(t('capture.removed'));
    // Focus stays in the group: on the next photo's remove button, else on the camera button.
    requestAnimationFrame(() => {
      const buttons = document.querySelectorAll<HTMLButtonElement>(`#${p.id}-list .photo-remove`);
      (buttons[Math.min(index, buttons.length - 1)] ?? camera.current?.parentElement?.querySelector('button'))?.focus();
    });
  };

  const full = items.length >= p.max;
  const hintId = `${p.id}-hint`;
  const errorId = `${p.id}-error`;
  return (
    <fieldset class="capture photos" aria-describedby={[p.hint ? hintId : '', p.error ? errorId : ''].filter(Boolean).join(' ') || undefined}>
      <legend>{p.label}</legend>
      {p.hint ? (
        <p class="hint" id={hintId}>
          {p.hint}
        </p>
      ) : null}
      {!canKeep ? (
        <p class="hint">{t('capture.noStore')}</p>
      ) : (
        // data-lesson (issue 14): the guided 随手拍 lesson points at these buttons and waits for a kept photo.
        <div class="button-row capture-buttons" data-lesson="photo-take">
          <button type="button" class="btn" id={`${p.id}-camera`} disabled={full} onClick={() => camera.current?.click()}>
            {t('capture.takePhoto')}
          </button>
          <button type="button" class="btn" id={`${p.id}-gallery`} disabled={full} onClick={() => gallery.current?.click()}>
            {t('capture.pickPhotos')}
          </button>
          <span class="hint capture-count">{full ? t('capture.full', { max: p.max }) : t('capture.count', { n: items.length, max: p.max })}</span>
          {/* Hidden: the buttons above open them (a file input is not a 44 px, labelled control in every browser). */}
          <input
            ref={camera}
            type="file"
            accept="image/*"
            capture="environment"
            class="capture-input"
            tabIndex={-1}
            aria-hidden="true"
            data-capture="camera"
            onChange={(e) => void addFiles(e.currentTarget.files, e.currentTarget)}
          />
          <input
            ref={gallery}
            type="file"
            accept="image/*"
            multiple
            class="capture-input"
            tabIndex={-1}
            aria-hidden="true"
            data-capture="gallery"
            onChange={(e) => void addFiles(e.currentTarget.files, e.currentTarget)}
          />
        </div>
      )}
      {p.error ? (
        <p class="field-error" id={errorId}>
          {p.error}
        </p>
      ) : null}
      <div role="alert" class={errors.length ? 'alert alert-error' : 'alert-empty'}>
        {errors.length ? (
          <ul>
            {errors.map((m, i) => (
              <li key={i}>{m}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <p role="status" class="visually-hidden">
        {note}
      </p>
      {items.length ? (
        <ul class="photo-list" id={`${p.id}-list`}>
          {items.map((it, i) => (
            <li key={it.key} class="photo-item" aria-busy={!it.ref || undefined} data-lesson={it.ref ? 'photo-added' : undefined}>
              {it.url ? (
                <img src={it.url} alt={t('capture.photoAlt', { n: i + 1 })} width={96} height={96} />
              ) : (
                <span class="photo-pending" role="status">
                  {t('capture.compressing')}
                </span>
              )}
              {it.ref ? (
                <button type="button" class="photo-remove" aria-label={t('capture.remove', { n: i + 1 })} onClick={() => remove(it.key, i)}>
                  <span aria-hidden="true">×</span>
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
