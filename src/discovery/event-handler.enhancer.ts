import { ForbiddenException, Injectable } from '@nestjs/common';
import {
  EXCEPTION_FILTERS_METADATA,
  GUARDS_METADATA,
  INTERCEPTORS_METADATA,
  PIPES_METADATA,
} from '@nestjs/common/constants';
import { ApplicationConfig, ExternalContextCreator } from '@nestjs/core';
import type { ParamsMetadata } from '@nestjs/core/helpers/interfaces';
import { isObservable, lastValueFrom } from 'rxjs';
import { EventForbiddenError } from '../errors/event-forbidden.error';
import { EventValidationError } from '../errors/event-validation.error';
import type { EventContext, KafkaContextType } from '../interfaces/event-context.interface';
import { EVENT_HANDLER_ARGS_METADATA, KAFKA_EVENT_CONTEXT_TYPE } from '../kafka.constants';
import { fromPipeRejection } from '../validation/validation-issues';
import { HANDLER_ARGUMENTS, handlerParamsFactory, watchPipes } from './event-handler.arguments';

export type HandlerInvoke = (event: unknown, context: EventContext) => unknown;

/** The Nest enhancers that apply to one handler: its method's, its class's and the app's global ones. */
export interface HandlerEnhancers {
  guards: boolean;
  interceptors: boolean;
  pipes: boolean;
  filters: boolean;
}

const METADATA: Record<keyof HandlerEnhancers, string> = {
  guards: GUARDS_METADATA,
  interceptors: INTERCEPTORS_METADATA,
  pipes: PIPES_METADATA,
  filters: EXCEPTION_FILTERS_METADATA,
};

/**
 * Makes each handler's `invoke` at bootstrap. A handler that some guard, interceptor, pipe or exception filter
 * applies to is called through Nest's ExternalContextCreator (as @nestjs/microservices and golevelup's
 * `@RabbitSubscribe` call theirs), with the context type `'kafka-event'`; one with none stays the bound method,
 * so it pays nothing per event.
 */
@Injectable()
export class EventHandlerEnhancer {
  constructor(private readonly contextCreator: ExternalContextCreator) {}

  invokeFor(id: string, instance: object, methodName: string): HandlerInvoke {
    const method = (instance as Record<string, HandlerInvoke>)[methodName];
    const applies = this.enhancersOf(instance, method);
    if (!Object.values(applies).some(Boolean)) return method.bind(instance);

    // Pipes run only on the arguments this metadata lists (Nest reads it from the method's class). Without
    // pipes, Nest passes the arguments on as they came, which costs less per call.
    if (applies.pipes) {
      Reflect.defineMetadata(
        EVENT_HANDLER_ARGS_METADATA,
        HANDLER_ARGUMENTS,
        instance.constructor,
        methodName,
      );
    }
    const call = this.contextCreator.create<ParamsMetadata, KafkaContextType>(
      instance,
      method as (...args: unknown[]) => unknown,
      methodName,
      applies.pipes ? EVENT_HANDLER_ARGS_METADATA : undefined,
      applies.pipes ? handlerParamsFactory : undefined,
      undefined,
      undefined,
      // Without a filter, Nest's fallback filter would only log each error before rethrowing it.
      { guards: true, interceptors: true, filters: applies.filters },
      KAFKA_EVENT_CONTEXT_TYPE,
    );
    if (!applies.pipes) {
      return (event, context) =>
        call(event, context).then(settled, (error: unknown) => {
          throw outcomeError(id, error, false);
        });
    }
    return (event, context) => {
      const refusedByPipes = watchPipes(context);
      return call(event, context).then(settled, (error: unknown) => {
        throw outcomeError(id, error, refusedByPipes());
      });
    };
  }

  /** Whether each kind of enhancer applies to the method: declared on it, on its class, or globally. */
  enhancersOf(instance: object, method: object): HandlerEnhancers {
    const config = this.applicationConfig();
    const global: HandlerEnhancers = config
      ? {
          guards: config.getGlobalGuards().length + config.getGlobalRequestGuards().length > 0,
          interceptors:
            config.getGlobalInterceptors().length + config.getGlobalRequestInterceptors().length > 0,
          pipes: config.getGlobalPipes().length + config.getGlobalRequestPipes().length > 0,
          filters: config.getGlobalFilters().length + config.getGlobalRequestFilters().length > 0,
        }
      : // Without the app's config, assume global ones may exist: correct, if not free.
        { guards: true, interceptors: true, pipes: true, filters: true };
    const declared = (kind: keyof HandlerEnhancers) =>
      global[kind] || nonEmpty(method, METADATA[kind]) || nonEmpty(instance.constructor, METADATA[kind]);
    return {
      guards: declared('guards'),
      interceptors: declared('interceptors'),
      pipes: declared('pipes'),
      filters: declared('filters'),
    };
  }

  /** The app's ApplicationConfig (global enhancers): ExternalContextCreator.fromContainer keeps the container. */
  private applicationConfig(): ApplicationConfig | undefined {
    const { container } = this.contextCreator as unknown as {
      container?: { applicationConfig?: ApplicationConfig };
    };
    return container?.applicationConfig;
  }
}

function nonEmpty(target: object, key: string): boolean {
  const value: unknown = Reflect.getMetadata(key, target);
  return Array.isArray(value) && value.length > 0;
}

/** A filter may return an Observable (an RPC filter's `throwError`): its error fails the attempt. */
function settled(result: unknown): unknown {
  return isObservable(result) ? lastValueFrom(result, { defaultValue: undefined }) : result;
}

/**
 * What an enhanced call's failure becomes: a pipe's refusal an EventValidationError (parked as `validation`),
 * a ForbiddenException (what a guard returning false throws) an EventForbiddenError (parked as `forbidden`),
 * both without a retry; anything else stays as thrown.
 */
function outcomeError(handler: string, error: unknown, refusedByPipes: boolean): unknown {
  if (refusedByPipes) {
    return error instanceof EventValidationError
      ? error
      : new EventValidationError(handler, fromPipeRejection(error), { cause: error });
  }
  if (error instanceof ForbiddenException) return new EventForbiddenError(handler, error);
  return error;
}
