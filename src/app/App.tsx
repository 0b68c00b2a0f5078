import { HomePage } from './pages/HomePage';
import { MapPage } from './pages/MapPage';

/** Two pages: / and /map/:id. Links are plain anchors; the server serves index.html for both. */
export function App() {
  const match = /^\/map\/([^/]+)\/?$/.exec(location.pathname);
  if (match) return <MapPage mapId={decodeURIComponent(match[1]!)} />;
  if (location.pathname === '/' || location.pathname === '/index.html') return <HomePage />;
  return (
    <main className="centre">
      <p>There is no page here.</p>
      <a href="/">Go to Causeway</a>
    </main>
  );
}
