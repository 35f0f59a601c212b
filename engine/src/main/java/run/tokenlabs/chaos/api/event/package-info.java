/**
 * The events of a run, as the journal records them and listeners receive them. See
 * {@link run.tokenlabs.chaos.api.event.ChaosEvent} for the set and the journal line's layout.
 */
package run.tokenlabs.chaos.api.event;
