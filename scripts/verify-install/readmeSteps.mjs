// The installation steps of the README, read from its fenced blocks between
// `<!-- verify-install:start -->` and `<!-- verify-install:end -->`, so that
// the proof of installation runs exactly what an adopter reads. A block's
// info string says what it is: `sh` (commands run in the app's root), `ts
// <file>` (lines added to that file before `backend.start();`), `yaml
// app-config.yaml` (appended to it) and `yaml catalog-info.yaml` (merged into
// a service's catalog entity).
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml, stringify } from 'yaml';

export function readInstallSteps(readme) {
  const start = readme.indexOf('<!-- verify-install:start -->');
  const end = readme.indexOf('<!-- verify-install:end -->');
  if (start < 0 || end < start) {
    throw new Error('The README has no verify-install section');
  }
  const section = readme.slice(start, end);
  const blocks = [
    ...section.matchAll(/^( *)```(\S+)(?: (\S+))?\n([\s\S]*?)^\1```$/gm),
  ];
  return blocks.map(([, indent, lang, file, body]) => ({
    lang,
    file,
    text: body
      .split('\n')
      .map(line => line.slice(indent.length))
      .join('\n'),
  }));
}

/** Applies one step to the app in `appDir`; `run(command)` runs a shell line there. */
export async function applyStep(step, { appDir, run, service }) {
  if (step.lang === 'sh') {
    for (const line of step.text.split('\n')) {
      if (line.trim() && !line.trim().startsWith('#')) await run(line.trim());
    }
  } else if (step.lang === 'ts' && step.file) {
    const target = path.join(appDir, step.file);
    const code = fs.readFileSync(target, 'utf8');
    if (!code.includes('backend.start();')) {
      throw new Error(`${step.file} has no backend.start();`);
    }
    fs.writeFileSync(
      target,
      code.replace('backend.start();', `${step.text}\nbackend.start();`),
    );
  } else if (step.lang === 'yaml' && step.file === 'app-config.yaml') {
    fs.appendFileSync(path.join(appDir, 'app-config.yaml'), `\n${step.text}`);
  } else if (step.lang === 'yaml' && step.file === 'catalog-info.yaml') {
    annotateEntity(
      path.join(appDir, 'examples/entities.yaml'),
      service,
      parseYaml(step.text),
    );
  } else {
    throw new Error(`Unknown install step: ${step.lang} ${step.file ?? ''}`);
  }
}

/** Merges `fragment.metadata.annotations` into the component named `name`. */
function annotateEntity(file, name, fragment) {
  const documents = parseAllDocuments(fs.readFileSync(file, 'utf8')).map(d =>
    d.toJS(),
  );
  const entity = documents.find(
    d => d?.kind === 'Component' && d.metadata.name === name,
  );
  if (!entity) throw new Error(`${file} has no component ${name}`);
  entity.metadata.annotations = {
    ...entity.metadata.annotations,
    ...fragment.metadata.annotations,
  };
  fs.writeFileSync(file, documents.map(d => `---\n${stringify(d)}`).join(''));
}
