package run.tokenlabs.chaos.lab.simulator;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * The KV blocks the scheduler keeps by content, as vLLM's automatic prefix caching does: a full block
 * of {@link SchedulerConfig#BLOCK_SIZE} prompt tokens is known by a hash of its tokens chained to the
 * hash of the block before it, so equal hashes mean equal prefixes. A block in use by running requests
 * has a reference count; when the last one lets go it stays cached but free, in least-recently-freed
 * order, and is evicted (forgotten) only when the scheduler needs its room for new blocks.
 *
 * <p>Block accounting stays with the scheduler: a cached block in use counts as used, a free cached
 * block as free capacity that costs an eviction to take. Pure logic on the scheduler's thread.
 */
final class PrefixCache {
  private final Map<Long, Integer> references = new HashMap<>();
  /** Cached blocks no request holds, oldest first: the eviction order. */
  private final LinkedHashSet<Long> free = new LinkedHashSet<>();

  /** How many leading blocks of {@code hashes}, at most {@code limit}, are cached (held or free). */
  int match(long[] hashes, int limit) {
    int n = 0;
    while (n < Math.min(limit, hashes.length) && references.containsKey(hashes[n])) {
      n++;
    }
    return n;
  }

  /** How many of the first {@code count} blocks are free now (taking them makes them used). */
  int freeAmong(long[] hashes, int count) {
    int n = 0;
    for (int i = 0; i < count; i++) {
      if (free.contains(hashes[i])) {
        n++;
      }
    }
    return n;
  }

  /** Takes a reference on each of the first {@code count} blocks (all cached); returns how many were free. */
  int acquire(long[] hashes, int count, List<Long> held) {
    int fromFree = 0;
    for (int i = 0; i < count; i++) {
      long h = hashes[i];
      int refs = references.get(h);
      if (refs == 0) {
        free.remove(h);
        fromFree++;
      }
      references.put(h, refs + 1);
      held.add(h);
    }
    return fromFree;
  }

  boolean contains(long hash) {
    return references.containsKey(hash);
  }

  /** A block the caller computed and holds becomes known by its hash (one reference: the caller's). */
  void register(long hash) {
    references.put(hash, 1);
  }

  /** Drops one reference per block; returns how many blocks became free (cached, no longer used). */
  int release(List<Long> held) {
    int freed = 0;
    for (long h : held) {
      Integer refs = references.get(h);
      if (refs == null) {
        continue; // forgotten by clear() while held
      }
      if (refs == 1) {
        references.put(h, 0);
        free.add(h);
        freed++;
      } else {
        references.put(h, refs - 1);
      }
    }
    held.clear();
    return freed;
  }

  /** Free cached blocks: capacity that new blocks may take by evicting them. */
  int freeBlocks() {
    return free.size();
  }

  /** Evicts the least recently freed blocks until at most {@code keep} free blocks stay cached. */
  void evictDownTo(long keep) {
    Iterator<Long> oldest = free.iterator();
    while (free.size() > Math.max(0, keep) && oldest.hasNext()) {
      long h = oldest.next();
      oldest.remove();
      references.remove(h);
    }
  }

  /** Forgets every block (the engine restarted: its GPU memory is gone). */
  void clear() {
    references.clear();
    free.clear();
  }
}
