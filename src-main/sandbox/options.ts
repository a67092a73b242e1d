// The sandbox's public contract: what startSandbox takes and what it hands back. Kept in its own
// module so hosts (Electron, server, CLI) can import the types without pulling in the runtime.

export interface SandboxOptions {
  /** Where to write the kubeconfig (contexts `orrery-sandbox` and `orrery-sandbox-viewer`). */
  kubeconfigPath: string;
  /** API server port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** 'auto' (default): run a real Prometheus when a binary is found; 'off': never. */
  prometheus?: 'auto' | 'off';
  /** A fault scenario to start once the constellation is up. */
  scenario?: string;
  /** Synthetic pods (no processes) to add, spread across namespaces and nodes. */
  scalePods?: number;
  /** Objects mutated per second (labels, annotations, status, delete+recreate). */
  churn?: number;
  /** Log lines per second per synthetic pod, or 'max'. */
  logRate?: number | 'max';
  /** Audit log file (default: next to the kubeconfig, `<kubeconfig>.audit.log`). */
  auditLogPath?: string;
  /** false: a cluster without metrics-server: metrics.k8s.io is not served (404) and
   *  HorizontalPodAutoscalers cannot get metrics. Default true. */
  metricsServer?: boolean;
  /** Where progress lines go (default: nowhere). */
  log?: (line: string) => void;
}

export interface Sandbox {
  /** API server URL (https://127.0.0.1:PORT). */
  url: string;
  kubeconfigPath: string;
  auditLogPath: string;
  /** Prometheus on loopback when it runs; in the cluster it is a kube-prometheus-stack install:
   *  Services monitoring/prometheus-operated:9090 and monitoring/kube-prometheus-stack-prometheus:9090. */
  prometheusUrl?: string;
  startScenario(name: string): Promise<void>;
  stopScenario(name: string): Promise<void>;
  /** Names of the scenarios startScenario accepts. */
  scenarios: string[];
  /** Stop everything (controllers, pods, Prometheus, API server). Idempotent. */
  stop(): Promise<void>;
}
