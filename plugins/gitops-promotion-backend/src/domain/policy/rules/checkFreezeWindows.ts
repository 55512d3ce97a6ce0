import { gitopsPromotionFreezeOverridePermission } from '@gitops-promotion/backstage-plugin-gitops-promotion-common';
import { DateTime } from 'luxon';
import { activeFreezeWindows, ActiveFreeze } from '../freezeWindows';
import { PolicyInput, PolicyVerdict } from '../types';

/**
 * The target must not be inside one of its freeze windows, unless the caller
 * holds `gitops-promotion.freeze.override` for it.
 */
export function checkFreezeWindows(
  input: Pick<PolicyInput, 'target' | 'targetPolicy' | 'permissions' | 'now'>,
): PolicyVerdict {
  const { target, targetPolicy, now } = input;
  const permission = gitopsPromotionFreezeOverridePermission.name;
  if (targetPolicy.freezeWindows.length === 0) {
    return {
      rule: 'freeze-window',
      passed: true,
      message: `Freeze windows: ${target} has none.`,
    };
  }
  const active = activeFreezeWindows(targetPolicy.freezeWindows, now);
  if (active.length === 0) {
    return {
      rule: 'freeze-window',
      passed: true,
      message: `Freeze windows: ${target} is not frozen now.`,
    };
  }
  const frozen = `${target} is frozen by ${active.map(describe).join(' and ')}`;
  if (input.permissions.freezeOverride) {
    return {
      rule: 'freeze-window',
      passed: true,
      overridden: true,
      message: `Freeze windows: ${frozen}; overridden with ${permission}.`,
    };
  }
  const open = active.some(a => !a.end);
  const until = open
    ? undefined
    : DateTime.max(...active.map(a => a.end!))!.setZone(
        active.find(a => a.end)!.window.timeZone,
      );
  const wait = until
    ? `Promote after ${format(until)} ${until.zoneName}`
    : 'The freeze has no end date; ask an administrator to end it in the configuration';
  return {
    rule: 'freeze-window',
    passed: false,
    message: `Freeze windows: ${frozen}. ${wait}, or ask someone holding ${permission} for ${target} to promote it.`,
  };
}

function describe({ window, start, end }: ActiveFreeze): string {
  const from = start ? `from ${format(start)}` : undefined;
  const to = end ? `until ${format(end)}` : 'until further notice';
  return `'${window.name}' (${[from, to].filter(Boolean).join(' ')} ${
    window.timeZone
  })`;
}

function format(date: DateTime): string {
  return date.setLocale('en-GB').toFormat('ccc yyyy-MM-dd HH:mm');
}
