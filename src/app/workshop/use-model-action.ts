import { useCallback, useState } from 'react';
import { ModelError } from '../../core/model/ops';

/**
 * Runs a model operation for a button or form and keeps what went wrong as a
 * sentence to show: the operation's own words when it refused (a ModelError),
 * `fallback` otherwise. `act` returns whether it succeeded.
 */
export function useModelAction(fallback = 'That did not work. Try again.'): { problem: string | null; act: (fn: () => void) => boolean } {
  const [problem, setProblem] = useState<string | null>(null);
  const act = useCallback((fn: () => void): boolean => {
    setProblem(null);
    try {
      fn();
      return true;
    } catch (error) {
      setProblem(error instanceof ModelError ? error.message : fallback);
      return false;
    }
  }, [fallback]);
  return { problem, act };
}
