// Which images the sandbox can "pull". Only the constellation's service image exists; any other
// reference fails the way containerd reports a missing image, so the kubelet simulation can show
// ErrImagePull / ImagePullBackOff with a realistic message.
import { SERVICE_IMAGE } from './constellation';

export class ImagePullError extends Error {
  readonly reason = 'ErrImagePull' as const;
  constructor(readonly image: string) {
    // Normalized as containerd does: registry host first, official images under library/.
    const ref = !image.includes('/') ? `docker.io/library/${image}` : image.split('/')[0]!.includes('.') ? image : `docker.io/${image}`;
    const withTag = /:[^/]+$/.test(ref) ? ref : `${ref}:latest`;
    super(
      `rpc error: code = NotFound desc = failed to pull and unpack image "${withTag}": failed to resolve reference "${withTag}": ${withTag}: not found`,
    );
    this.name = 'ImagePullError';
  }
}

export interface ServiceImage {
  tag: string;
  /** `orrery/service:broken` starts but never becomes ready (a bad rollout). */
  broken: boolean;
}

// Tags that "exist in the registry": versions, latest, and the deliberately broken build.
const KNOWN_TAG = /^(\d+(\.\d+){0,2}|latest|broken)$/;

/** The service image a container runs, or ImagePullError for anything that does not exist. */
export function parseServiceImage(image: string): ServiceImage {
  let ref = image.trim();
  ref = ref.replace(/^docker\.io\//, '');
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at); // digests pin a version we do not track; accept the repo
  const colon = ref.lastIndexOf(':');
  const repo = colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
  const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : 'latest';
  if (repo !== SERVICE_IMAGE || !KNOWN_TAG.test(tag)) throw new ImagePullError(image);
  return { tag, broken: tag === 'broken' };
}
