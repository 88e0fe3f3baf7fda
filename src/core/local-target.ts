/**
 * Whether a URL points at this machine. Vocabulary, not a stage: consent (no plan or cost for a
 * local target), the tolerance profile, the CloudWatch source and the AWS clients' dummy
 * credentials all ask it (docs/architecture.md "Folders").
 */
/** 127.0.0.0/8, ::1 and localhost: targets on this machine (no bill, timing noise of a few ms). */
export function isLocalTarget(target: string): boolean {
  const host = new URL(target).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}
