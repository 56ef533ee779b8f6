/**
 * The chat messages that ask an LLM for a cluster's label, from its keywords and the texts
 * nearest its centre (the recipe of BERTopic's OpenAI representation: keywords plus
 * representative documents, "give a short label"), and the reply's cleaning.
 */
export interface LabelRequest {
  keywords: readonly string[];
  representatives: readonly string[];
}

/** Characters kept from each representative text, so a prompt stays small. */
const TEXT_CHARS = 300;

export function labelMessages(r: LabelRequest): { role: 'system' | 'user'; content: string }[] {
  const texts = r.representatives.map((t) => `- ${t.length > TEXT_CHARS ? `${t.slice(0, TEXT_CHARS)}…` : t}`.replace(/\s+/g, ' ')).join('\n');
  return [
    { role: 'system', content: 'You name clusters of texts. Answer with a short label of 2 to 6 words and nothing else.' },
    { role: 'user', content: `Keywords: ${r.keywords.join(', ')}\nTexts nearest the cluster centre:\n${texts}\nLabel:` },
  ];
}

/** The first line of the reply without quotes, a "Label:" prefix or a trailing full stop. */
export function cleanLabel(reply: string): string {
  const line = reply.trim().split('\n')[0] ?? '';
  return line
    .replace(/^label\s*:\s*/i, '')
    .replace(/^["'“”‘’`*]+|["'“”‘’`*]+$/g, '')
    .replace(/\.$/, '')
    .trim()
    .slice(0, 80);
}
