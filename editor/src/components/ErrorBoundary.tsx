// Keeps a rendering bug in one section from blanking the page: shows what failed and lets the person carry on in another view.
import { Component, type ReactNode } from 'react';

interface Props {
  /** Shown instead of the children after an error; receives the error and a reset. */
  fallback(error: Error, reset: () => void): ReactNode;
  /** When this changes (another tab, another document), the boundary tries the children again. */
  resetKey?: unknown;
  children: ReactNode;
}

export class ErrorBoundary extends Component<Props, { error: Error | null; key: unknown }> {
  override state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: Error | null; key: unknown }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  override render() {
    return this.state.error ? this.props.fallback(this.state.error, () => this.setState({ error: null })) : this.props.children;
  }
}
