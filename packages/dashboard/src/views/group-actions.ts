import type { GroupJson } from '../api-types.js';
import { h } from '../dom.js';
import { pauseState } from '../labels.js';
import { canWrite, type ViewContext } from './view-context.js';

/** The Pause or Resume button of a group, for admins only; `done` runs after the change went through. */
export function pauseResumeButton(context: ViewContext, group: GroupJson, done: () => void): HTMLElement | null {
  if (!canWrite(context)) return null;
  const { paused } = pauseState(group);
  const label = paused ? 'Resume' : 'Pause';
  const button = h(
    'button',
    {
      type: 'button',
      class: paused ? 'resume' : 'pause',
      'aria-label': `${label} group ${group.name}`,
      onclick: async () => {
        button.disabled = true;
        const ok = await context.act(`${label} ${group.name}`, () =>
          paused
            ? context.client.resumeGroup(group.application_id, group.id)
            : context.client.pauseGroup(group.application_id, group.id),
        );
        button.disabled = false;
        if (ok) {
          context.notify(`Group ${group.name} ${paused ? 'resumed' : 'paused'}`);
          done();
        }
      },
    },
    label,
  );
  return button;
}
