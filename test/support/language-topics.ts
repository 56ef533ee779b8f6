/**
 * Small generated sets in Chinese, Japanese and German with known topics, for keyword tests:
 * each topic has its own words (every one a word of ICU's dictionary, so Intl.Segmenter keeps
 * it whole), mixed with everyday words shared by all topics and some of the language's stop
 * words, in sentences of the language's own shape. The two `name` words of a topic are what a
 * keyword must contain to count as a hit, as eval:banking77 counts an intent's words.
 */
export interface LanguageTopic {
  name: readonly [string, string];
  words: readonly string[];
}

export interface LanguageSet {
  language: 'zh' | 'ja' | 'de';
  topics: readonly LanguageTopic[];
  /** Words every topic uses; the stop words among them must never be keywords. */
  shared: readonly string[];
  stopWords: readonly string[];
  sentence: (w: readonly string[], f: readonly string[], i: number) => string;
}

export const LANGUAGE_SETS: readonly LanguageSet[] = [
  {
    language: 'zh',
    topics: [
      { name: ['信用卡', '密码'], words: ['信用卡', '密码', '冻结', '银行', '账户'] },
      { name: ['汇率', '兑换'], words: ['汇率', '兑换', '外币', '美元', '欧元'] },
      { name: ['退款', '订单'], words: ['退款', '订单', '商家', '投诉', '赔偿'] },
      { name: ['快递', '包裹'], words: ['快递', '包裹', '物流', '地址', '延迟'] },
    ],
    shared: ['我想', '请问', '今天', '已经', '现在', '昨天', '非常', '着急', '帮忙', '一下'],
    stopWords: ['怎么', '为什么', '我们', '这个', '因为', '所以', '但是', '可以'],
    sentence: (w, f, i) => `${f[0]}${w[0]}和${w[1]}的问题${f[1]}，${f[2]}${w[2]}${['吗？', '。', '呢？'][i % 3]}`,
  },
  {
    language: 'ja',
    topics: [
      { name: ['クレジットカード', '紛失'], words: ['クレジットカード', '紛失', '停止', '利用', '番号'] },
      { name: ['為替', '両替'], words: ['為替', '両替', '外貨', '手数料', 'ユーロ'] },
      { name: ['返金', '注文'], words: ['返金', '注文', '返品', '店舗', '請求'] },
      { name: ['配送', '荷物'], words: ['配送', '荷物', '住所', '到着', '追跡'] },
    ],
    shared: ['今日', '昨日', '至急', '確認', '連絡', '対応', '説明', '問題', '状況', '本当'],
    stopWords: ['これ', 'それ', 'ので', 'あの', 'この'],
    sentence: (w, f, i) => `${f[0]}、${f[1]}${w[0]}と${w[1]}について${f[2]}。${w[2]}${['をお願いします。', 'はまだですか？', 'が心配です。'][i % 3]}`,
  },
  {
    language: 'de',
    topics: [
      { name: ['kreditkarte', 'gesperrt'], words: ['Kreditkarte', 'gesperrt', 'Geheimzahl', 'verloren', 'Karte'] },
      { name: ['wechselkurs', 'währung'], words: ['Wechselkurs', 'Währung', 'Umtausch', 'Gebühr', 'Dollar'] },
      { name: ['rückerstattung', 'bestellung'], words: ['Rückerstattung', 'Bestellung', 'Händler', 'Rücksendung', 'Beschwerde'] },
      { name: ['lieferung', 'paket'], words: ['Lieferung', 'Paket', 'Adresse', 'Zustellung', 'Sendung'] },
    ],
    shared: ['heute', 'gestern', 'bitte', 'dringend', 'Problem', 'Frage', 'Hilfe', 'Kunde', 'Konto', 'Woche'],
    stopWords: ['ich', 'und', 'nicht', 'meine', 'warum', 'noch', 'aber', 'habe'],
    sentence: (w, f, i) => `${f[0]} ${w[0]} und ${w[1]}: ${f[1]}, ${f[2]} ${w[2]} ${['ist noch nicht da', 'habe ich nicht', 'warum aber'][i % 3]}.`,
  },
];

/** `perTopic` texts per topic of `set`, topics interleaved, each with its topic index. */
export function languageTexts(set: LanguageSet, perTopic: number): { text: string; topic: number }[] {
  const out: { text: string; topic: number }[] = [];
  const fillers = [...set.shared, ...set.stopWords];
  for (let i = 0; i < perTopic; i++) {
    set.topics.forEach(({ words }, topic) => {
      const w = [0, 1, 2].map((j) => words[(i + j * (1 + (i % 2))) % words.length]);
      const f = [0, 1, 2].map((j) => fillers[(i * (j + 2) + 5 * j + topic) % fillers.length]);
      out.push({ text: set.sentence(w, f, i), topic });
    });
  }
  return out;
}
