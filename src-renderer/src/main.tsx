import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { currentChartTheme } from './views/metrics/charts/chart-theme';
import { warmUpChartsWhenIdle } from './views/metrics/charts/warm-up';
import './styles.css';

const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, retry: 1, refetchOnWindowFocus: false } } });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);

// Charts are the heaviest code to run the first time: compile it while nothing else happens.
warmUpChartsWhenIdle(currentChartTheme);
