// Handlers with Nest's enhancers on them, used by test/testing/enhancers.spec.ts (in memory and on the broker)
// and test/integration/enhancers.spec.ts (KafkaModule on the broker).
import {
  ArgumentMetadata,
  ArgumentsHost,
  CallHandler,
  CanActivate,
  Catch,
  ExceptionFilter,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  PipeTransform,
  UseFilters,
  UseGuards,
  UseInterceptors,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { IsPositive, IsString } from 'class-validator';
import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import { Observable, tap } from 'rxjs';
import { EventContext, EventHandler, KafkaContextType } from '../../src';

/** What each interceptor saw of one call: where it ran, the payload and context it was given, how it ended. */
export interface InterceptedCall {
  by: string;
  type: string;
  handler: string;
  data: unknown;
  context: EventContext;
  result?: unknown;
  error?: unknown;
}

/** Shared by the fixture's enhancers and handlers; the specs reset it before each test. */
export const seen = {
  intercepted: [] as InterceptedCall[],
  handled: [] as { handler: string; event: unknown; attempt: number; requestId?: string }[],
  filtered: [] as { error: unknown; type: string }[],
  guarded: 0,
  reset(): void {
    this.intercepted.length = 0;
    this.handled.length = 0;
    this.filtered.length = 0;
    this.guarded = 0;
  },
};

function interceptor(by: string): new () => NestInterceptor {
  @Injectable()
  class Recording implements NestInterceptor {
    intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
      const rpc = context.switchToRpc();
      const call: InterceptedCall = {
        by,
        type: context.getType<KafkaContextType>(),
        handler: `${context.getClass().name}.${context.getHandler().name}`,
        data: rpc.getData(),
        context: rpc.getContext<EventContext>(),
      };
      seen.intercepted.push(call);
      return next.handle().pipe(
        tap({
          next: (result: unknown) => (call.result = result),
          error: (error: unknown) => (call.error = error),
        }),
      );
    }
  }
  return Recording;
}

/** A logging interceptor on a method. */
export const LoggingInterceptor = interceptor('method');
/** One on a whole class. */
export const ClassInterceptor = interceptor('class');
/** One registered globally (APP_INTERCEPTOR). */
export const GlobalInterceptor = interceptor('global');

/** Lets an event through only when it says `allowed: true`. */
@Injectable()
export class AllowedGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    seen.guarded++;
    return (context.switchToRpc().getData<{ allowed?: boolean }>() ?? {}).allowed === true;
  }
}

/** Upper-cases the payload's `name` (the payload only: pipes also see the context, as `type: 'custom'`). */
@Injectable()
export class UppercasePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'body') return value;
    const event = value as { name: string };
    return { ...event, name: event.name.toUpperCase() };
  }
}

export class TransferDto {
  @IsString()
  account!: string;

  @IsPositive()
  amount!: number;
}

/** An error a filter recovers from. */
export class RecoverableError extends Error {
  override name = 'RecoverableError';
}

/**
 * Handles RecoverableError by returning a value (the event counts as handled); anything else goes back on the
 * retry path. In Nest's external contexts a filter that returns nothing leaves the error unhandled.
 */
@Catch()
export class RecoveringFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): string | undefined {
    seen.filtered.push({ error, type: host.getType() });
    if (error instanceof Error && error.message === 'silent') return;
    if (!(error instanceof RecoverableError)) throw error;
    return 'recovered';
  }
}

/** What a `nestjs-cls`-style interceptor keeps for the call: visible to everything the handler awaits. */
export const requestStore = new AsyncLocalStorage<{ requestId: string }>();

/** Runs the rest of the call inside `requestStore`, as nestjs-cls' ClsInterceptor does. */
@Injectable()
export class ClsLikeInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const { offset, partition } = context.switchToRpc().getContext<EventContext>();
    return new Observable((subscriber) =>
      requestStore.run({ requestId: `req-${partition}-${offset}` }, () =>
        next.handle().subscribe(subscriber),
      ),
    );
  }
}

@Injectable()
export class EnhancedHandlers {
  @UseInterceptors(LoggingInterceptor)
  @EventHandler({ eventName: 'ledger.entry.logged', retry: false })
  async onLogged(event: { id: string; fail?: boolean }, context: EventContext): Promise<string> {
    seen.handled.push({ handler: 'onLogged', event, attempt: context.attempt });
    await Promise.resolve();
    if (event.fail) throw new Error(`entry ${event.id} refused`);
    return `logged ${event.id}`;
  }

  @UseGuards(AllowedGuard)
  @EventHandler({ eventName: 'ledger.entry.guarded' })
  onGuarded(event: { id: string; allowed?: boolean }, context: EventContext): void {
    seen.handled.push({ handler: 'onGuarded', event, attempt: context.attempt });
  }

  @UsePipes(new ValidationPipe({ transform: true }))
  @EventHandler({ eventName: 'ledger.transfer.requested' })
  onTransfer(event: TransferDto, context: EventContext): void {
    seen.handled.push({ handler: 'onTransfer', event, attempt: context.attempt });
  }

  @UsePipes(UppercasePipe)
  @EventHandler({ eventName: 'ledger.account.named' })
  onNamed(event: { name: string }, context: EventContext): void {
    seen.handled.push({ handler: 'onNamed', event, attempt: context.attempt });
  }

  @UseFilters(RecoveringFilter)
  @EventHandler({ eventName: 'ledger.entry.filtered', retry: { attempts: 3 } })
  onFiltered(event: { id: string; recoverable: boolean; silent?: boolean }, context: EventContext): void {
    seen.handled.push({ handler: 'onFiltered', event, attempt: context.attempt });
    if (event.silent) throw new Error('silent');
    throw event.recoverable ? new RecoverableError('recovered') : new Error('still failing');
  }

  @UseInterceptors(ClsLikeInterceptor)
  @EventHandler({ eventName: 'ledger.entry.traced' })
  async onTraced(event: { id: string }, context: EventContext): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    seen.handled.push({
      handler: 'onTraced',
      event,
      attempt: context.attempt,
      requestId: requestStore.getStore()?.requestId,
    });
  }

  /** Hangs until its attempt's signal is aborted; the time limit covers the whole enhanced call. */
  @UseInterceptors(LoggingInterceptor)
  @EventHandler({ eventName: 'ledger.entry.stuck', timeoutMs: 200, retry: false })
  async onStuck(event: { id: string }, context: EventContext): Promise<void> {
    seen.handled.push({ handler: 'onStuck', event, attempt: context.attempt });
    await once(context.signal, 'abort');
    throw context.signal.reason;
  }

  /** No enhancer: called directly. */
  @EventHandler({ eventName: 'ledger.entry.plain' })
  onPlain(event: { id: string }, context: EventContext): void {
    seen.handled.push({ handler: 'onPlain', event, attempt: context.attempt });
  }
}

@UseInterceptors(ClassInterceptor)
@Injectable()
export class ClassEnhancedHandlers {
  @EventHandler({ eventName: 'ledger.audit.opened' })
  onOpened(event: { id: string }, context: EventContext): string {
    seen.handled.push({ handler: 'onOpened', event, attempt: context.attempt });
    return 'opened';
  }

  @EventHandler({ eventName: 'ledger.audit.closed' })
  onClosed(event: { id: string }, context: EventContext): string {
    seen.handled.push({ handler: 'onClosed', event, attempt: context.attempt });
    return 'closed';
  }
}
