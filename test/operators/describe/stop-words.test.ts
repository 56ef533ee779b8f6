import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { KeywordLanguages } from '../../../core/keywords/keyword-language.js';
import { keywordWords } from '../../../core/keywords/keyword-terms.js';
import { stopWordLists } from '../../../operators/describe/stop-words.js';
import { settingsShape } from '../../../schemas/config.js';

test('stop-word lists: stopwords-iso’s 58 languages in lower case, English first', () => {
  const lists = stopWordLists();
  const iso = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
  assert.equal(lists.size, 58);
  assert.equal([...lists.keys()][0], 'en');
  for (const code of ['en', 'zh', 'ja', 'de', 'ko', 'th', 'ru']) assert.equal(lists.get(code)!.size, new Set(iso[code].map((w) => w.toLowerCase())).size, code);
  assert.ok(lists.get('en')!.has('the') && !lists.get('en')!.has('card') && lists.get('de')!.has('und') && lists.get('zh')!.has('我们') && lists.get('ja')!.has('これ'));
  for (const list of lists.values()) for (const w of list) assert.equal(w, w.toLowerCase());
  // The setting offers exactly the languages that have a list.
  const offered = settingsShape.keywords_language.removeDefault().options.filter((o) => o !== 'auto' && o !== 'none');
  assert.deepEqual([...offered].sort(), [...lists.keys()].sort());
});

test('with the real lists, three short queries are enough to tell a cluster’s language', () => {
  const clusters: Record<string, string[]> = {
    fr: ['Ma carte bancaire a été bloquée, je ne peux plus payer', "Comment puis-je changer mon code PIN sur l'application ?", "Le virement n'est pas encore arrivé sur mon compte"],
    es: ['Mi tarjeta fue bloqueada y no puedo pagar en la tienda', '¿Cómo puedo cambiar el PIN de mi tarjeta?', 'La transferencia todavía no ha llegado a mi cuenta'],
    it: ['La mia carta è stata bloccata e non posso pagare', 'Come posso cambiare il PIN della carta?', 'Il bonifico non è ancora arrivato sul mio conto'],
    pt: ['Meu cartão foi bloqueado e não consigo pagar', 'Como posso mudar o PIN do meu cartão?', 'A transferência ainda não chegou na minha conta'],
    nl: ['Mijn kaart is geblokkeerd en ik kan niet betalen', 'Hoe kan ik de pincode van mijn kaart wijzigen?', 'De overboeking is nog niet op mijn rekening'],
    en: ['my card got blocked and I cannot pay', 'how do I change the PIN of my card?', 'the transfer has not arrived in my account yet'],
    ru: ['Моя карта заблокирована и я не могу платить', 'Как изменить пин-код карты?', 'Перевод ещё не пришёл на мой счёт'],
    ko: ['카드가 정지되어 결제를 할 수 없어요', '카드 비밀번호를 어떻게 바꾸나요?', '송금이 아직 제 계좌에 들어오지 않았어요'],
    th: ['บัตรของฉันถูกระงับและไม่สามารถจ่ายเงินได้', 'ฉันจะเปลี่ยนรหัสบัตรได้อย่างไร'],
  };
  const codes = Object.keys(clusters);
  const languages = new KeywordLanguages(stopWordLists(), codes.length);
  codes.forEach((code, c) => clusters[code].forEach((text) => languages.add(c, keywordWords(text, new Set()))));
  assert.deepEqual(codes.map((_, c) => languages.choose(c).join('+')), codes);
});
