/**
 * What the kubelet does to a container's command before it runs it (Kubernetes has no cluster
 * here): `$(NAME)` becomes the value of the container's env variable NAME when it is defined
 * and stays as written when not, `$$` becomes `$`, any other `$` stays. The rule of
 * kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/ and of
 * its implementation, third_party/forked/golang/expansion (Expand).
 */
export function k8sExpand(word: string, env: Record<string, string>): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== '$' || i + 1 >= word.length) {
      out += word[i];
      continue;
    }
    const next = word[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = word.indexOf(')', i + 2);
      if (close < 0) {
        out += word.slice(i);
        break;
      }
      const name = word.slice(i + 2, close);
      out += Object.hasOwn(env, name) ? env[name] : `$(${name})`;
      i = close;
    } else {
      out += '$' + next;
      i++;
    }
  }
  return out;
}
