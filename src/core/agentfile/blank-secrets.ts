/**
 * Blanks secret values in records carried through agent files: every value
 * inside environment-variable and secret containers, and string values under
 * secret-named keys. The names stay, so the reader sees what to fill in.
 */
const CONTAINERS = new Set(['tool_exec_environment_variables', 'secrets', 'env', 'env_vars']);
const SECRET_NAME = /(?:^|_)(?:api_?key|secret|token|password|credentials?|private_?key)s?(?:$|_)/i;

export function redactSecrets<T>(value: T): { value: T; blanked: number } {
  let blanked = 0;
  const walk = (node: unknown, inContainer: boolean, key: string): unknown => {
    if (typeof node === 'string') {
      if ((inContainer || SECRET_NAME.test(key)) && node !== '') {
        blanked++;
        return '';
      }
      return node;
    }
    if (Array.isArray(node)) return node.map((item) => walk(item, inContainer, key));
    if (node && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([k, v]) => [k, walk(v, inContainer || CONTAINERS.has(k), k)]),
      );
    }
    return node;
  };
  return { value: walk(value, false, '') as T, blanked };
}
