import {
  CallHandler,
  CanActivate,
  Catch,
  ExceptionFilter,
  Injectable,
  NestInterceptor,
  PipeTransform,
  UseInterceptors,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { EventHandlerEnhancer } from './event-handler.enhancer';

@Injectable()
class PassThrough implements NestInterceptor {
  intercept(_context: unknown, next: CallHandler) {
    return next.handle();
  }
}

@Injectable()
class AllowAll implements CanActivate {
  canActivate() {
    return true;
  }
}

@Injectable()
class Identity implements PipeTransform {
  transform(value: unknown) {
    return value;
  }
}

@Catch()
class Rethrow implements ExceptionFilter {
  catch(error: unknown) {
    throw error;
  }
}

@Injectable()
class Handlers {
  plain(): string {
    return 'plain';
  }

  @UseInterceptors(PassThrough)
  intercepted(): string {
    return 'intercepted';
  }
}

async function enhancerWith(providers: unknown[]) {
  const moduleRef = await Test.createTestingModule({
    providers: [EventHandlerEnhancer, Handlers, ...(providers as never[])],
  }).compile();
  return { enhancer: moduleRef.get(EventHandlerEnhancer), handlers: moduleRef.get(Handlers) };
}

describe('EventHandlerEnhancer', () => {
  it('keeps the bound method for a handler no enhancer applies to, and calls the others through Nest', async () => {
    const { enhancer, handlers } = await enhancerWith([]);

    const plain = enhancer.invokeFor('Handlers.plain', handlers, 'plain');
    const intercepted = enhancer.invokeFor('Handlers.intercepted', handlers, 'intercepted');

    expect(plain.name).toBe('bound plain');
    expect(plain(undefined, undefined as never)).toBe('plain');
    expect(intercepted.name).not.toBe('bound intercepted');
    expect(enhancer.enhancersOf(handlers, Handlers.prototype.plain)).toEqual({
      guards: false,
      interceptors: false,
      pipes: false,
      filters: false,
    });
  });

  it.each([
    ['guards', APP_GUARD, AllowAll],
    ['interceptors', APP_INTERCEPTOR, PassThrough],
    ['pipes', APP_PIPE, Identity],
    ['filters', APP_FILTER, Rethrow],
  ])('counts the global %s as applying to every handler', async (kind, token, useClass) => {
    const { enhancer, handlers } = await enhancerWith([{ provide: token, useClass }]);

    expect(enhancer.enhancersOf(handlers, Handlers.prototype.plain)).toMatchObject({ [kind]: true });
    expect(enhancer.invokeFor('Handlers.plain', handlers, 'plain').name).not.toBe('bound plain');
  });
});
