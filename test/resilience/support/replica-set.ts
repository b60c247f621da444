/**
 * Several replicas of the service, each a child process as an operator runs it, on one database:
 * started together (so their migrations race, as at a real roll-out), reached by index as a load
 * balancer would, and killed one by one with SIGKILL.
 */
import { startServiceProcess, type ServiceProcess } from './service-process.js';

/** One live replica a request is sent to. */
export interface ReplicaTarget {
  replica: number;
  url: string;
}

/** Replicas started together, reached by index. */
export class ReplicaSet {
  private readonly dead = new Set<number>();

  private constructor(private readonly processes: ServiceProcess[]) {}

  /**
   * Starts one replica per environment, all at once; if one fails to start, the others are
   * killed.
   */
  static async start(envs: Record<string, string>[]): Promise<ReplicaSet> {
    const started = await Promise.allSettled(envs.map((env) => startServiceProcess(env)));
    const processes = started.flatMap((result) =>
      result.status === 'fulfilled' ? [result.value] : [],
    );
    const failure = started.find((result) => result.status === 'rejected');
    if (failure !== undefined) {
      await Promise.all(processes.map((service) => service.crash()));
      throw failure.reason;
    }
    return new ReplicaSet(processes);
  }

  /** How many replicas were started. */
  get size(): number {
    return this.processes.length;
  }

  /** Replica `replica`, or the next live one after it when it is dead, as a load balancer does. */
  route(replica: number): ReplicaTarget {
    for (let step = 0; step < this.size; step += 1) {
      const candidate = (replica + step) % this.size;
      const service = this.processes[candidate];
      if (service !== undefined && !this.dead.has(candidate)) {
        return { replica: candidate, url: service.url };
      }
    }
    throw new Error('every replica is dead');
  }

  /** Kills replica `replica` with SIGKILL and waits until it is gone. */
  async crash(replica: number): Promise<void> {
    this.dead.add(replica);
    await this.processes[replica]?.crash();
  }

  /** Every replica's output, each line marked with its index, for a failure message. */
  output(): string {
    return this.processes
      .flatMap((service, replica) => service.output.map((line) => `[${replica}] ${line}`))
      .join('\n');
  }

  /** Kills every replica still running. */
  async close(): Promise<void> {
    await Promise.all(this.processes.map((service) => service.crash()));
  }
}
