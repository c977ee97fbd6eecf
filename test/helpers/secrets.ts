// The secret scan the brief demands: every git object and every file under the data folder
// is searched for the plaintext and the base64 of every secret value fed in.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { allObjectsText } from './git.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Needles for one secret value: the plaintext and its base64 (as Kubernetes `data` holds it). */
export function secretNeedles(plaintext: string): string[] {
  return [plaintext, Buffer.from(plaintext).toString('base64')];
}

/** `secrets` are plaintext values (searched as such and as base64); `needles` are searched as given. */
export function assertNoSecrets(
  dataDir: string,
  secrets: readonly string[],
  extraNeedles: readonly string[] = [],
): void {
  const needles = [
    ...new Set([...secrets.filter((value) => value.length >= 4).flatMap(secretNeedles), ...extraNeedles]),
  ];
  assert.ok(needles.length > 0, 'no secrets to look for');
  const haystacks: Array<[string, string]> = [
    [`git objects of ${dataDir}/repo.git`, allObjectsText(join(dataDir, 'repo.git'))],
  ];
  for (const file of filesUnder(dataDir)) {
    if (file.includes(`${join(dataDir, 'repo.git')}/`)) continue;
    haystacks.push([file, readFileSync(file).toString('latin1')]);
  }
  // Pack files are compressed: the object scan above covers their content.
  for (const file of filesUnder(join(dataDir, 'repo.git')).filter((path) => !/\/objects\//.test(path)))
    haystacks.push([file, readFileSync(file).toString('latin1')]);
  for (const needle of needles) {
    for (const [where, text] of haystacks)
      assert.ok(!text.includes(needle), `secret ${JSON.stringify(needle.slice(0, 6))}… found in ${where}`);
  }
}
