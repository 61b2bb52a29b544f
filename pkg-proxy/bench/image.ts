// How the container image starts Node: the benchmark runs the proxy with the same options, so that
// its figures are those of the image (pkg-proxy/Dockerfile is the one place they are set).
import { execForm, parseDockerfile } from '../../tests/stack/dockerfile.ts';

/** The Node options of the image's ENTRYPOINT: the words between `node` and the script
 * (options written as --name=value). */
export function imageNodeOptions(): string[] {
  const stages = parseDockerfile('pkg-proxy/Dockerfile');
  const entrypoint = stages.at(-1)!.instructions.findLast((i) => i.keyword === 'ENTRYPOINT');
  if (!entrypoint) {
    throw new Error('pkg-proxy/Dockerfile has no ENTRYPOINT');
  }
  const words = execForm(entrypoint.args);
  if (words[0] !== 'node') {
    throw new Error(`pkg-proxy/Dockerfile: the ENTRYPOINT does not start node: ${entrypoint.args}`);
  }
  const script = words.findIndex((w, i) => i > 0 && !w.startsWith('-'));
  return words.slice(1, script < 0 ? undefined : script);
}
