import { Component, type ErrorInfo, type ReactNode } from 'react';

interface State {
  error: Error | null;
}

/**
 * A crash in the page shows a sentence and a way back, never a blank screen.
 * Nothing is lost: the map is in this browser's storage and on the server.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('Causeway stopped with an error:', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <main className="centre" role="alert" data-testid="crash">
        <h1>Something went wrong on this page.</h1>
        <p>Your work is safe: it is kept in this browser and on the server. Reload the page to carry on.</p>
        <p className="panel__note">Details for whoever looks after Causeway: {this.state.error.message}</p>
        <button type="button" className="button button--primary" onClick={() => location.reload()}>Reload</button>
      </main>
    );
  }
}
