#!/usr/bin/env bash
# psysafe's llama.cpp build flags: one definition, read by the build, `psysafe doctor` and tests.
# No native tuning (GGML_NATIVE=ON compiles for the build host's CPU, AMX included, and the
# binary then crashes elsewhere). x86-64 baseline: AVX2 + FMA + F16C, which every x86-64 server
# of the last decade has; AVX-512 and AMX are off.
case "$(uname -m)" in
    x86_64 | amd64)
        echo "-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_AVX512=OFF -DGGML_AVX512_VBMI=OFF -DGGML_AVX512_VNNI=OFF -DGGML_AVX512_BF16=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF -DGGML_OPENMP=OFF -DLLAMA_CURL=OFF"
        ;;
    *)
        echo "-DGGML_NATIVE=OFF -DGGML_OPENMP=OFF -DLLAMA_CURL=OFF"
        ;;
esac
