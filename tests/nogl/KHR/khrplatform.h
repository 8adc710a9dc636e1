#error "KHR/khrplatform.h included in a NO_GL build: only src/draw/gl/ may include GL headers"
